import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Raw bytes of a documentation fixture under test/fixtures. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, 'fixtures', name));
}

/** A documentation fixture, parsed. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fixtureBytes(name).toString('utf8')) as Record<string, unknown>;
}

/**
 * Points every URL-ish field anywhere in a payload at an attacker's host, to prove the
 * normalisers never read one.
 */
export function withHostileUrls(payload: unknown): unknown {
  if (Array.isArray(payload)) return payload.map(withHostileUrls);
  if (payload === null || typeof payload !== 'object') return payload;
  return Object.fromEntries(
    Object.entries(payload).map(([key, value]) => [
      key,
      typeof value === 'string' && (/url$/i.test(key) || /^(https?|ssh|git):\/\/|^git@/.test(value))
        ? 'https://evil.example.net/attacker/payload.git'
        : withHostileUrls(value),
    ]),
  );
}
