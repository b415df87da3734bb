import { describe, expect, it } from 'vitest';
import { VulnDbError } from '../errors.js';
import { isVulnDbUrl, loadVulnDbSource } from './vuln-db-source.js';

const fixtures = new URL('../../test/fixtures/osv', import.meta.url).pathname;

function fakeFetch(body: Uint8Array, status = 200): typeof fetch {
  return () => Promise.resolve(new Response(body, { status }));
}

describe('loadVulnDbSource', () => {
  it('loads a directory of OSV records', async () => {
    const db = await loadVulnDbSource(fixtures, { maxBytes: 1024, timeoutMs: 1000 });
    expect(db.report.records).toBeGreaterThan(0);
    expect(db.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('fails an unreadable path without naming it', async () => {
    const error = await loadVulnDbSource('/nonexistent/osv-secret-path', { maxBytes: 1024, timeoutMs: 1000 }).catch((e: unknown) => e);
    expect((error as VulnDbError).code).toBe('SOURCE_UNREADABLE');
    expect((error as Error).message).not.toContain('osv-secret-path');
  });

  it('fails a download larger than the cap without parsing it', async () => {
    const error = await loadVulnDbSource('https://mirror.example/all.zip', { maxBytes: 10, timeoutMs: 1000 }, fakeFetch(new Uint8Array(100))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VulnDbError);
    expect((error as VulnDbError).code).toBe('SOURCE_TOO_LARGE');
  });

  it('fails on an HTTP error without naming the URL', async () => {
    const error = await loadVulnDbSource('https://user:secret@mirror.example/all.zip', { maxBytes: 1000, timeoutMs: 1000 }, fakeFetch(new Uint8Array(0), 503)).catch((e: unknown) => e);
    expect((error as VulnDbError).code).toBe('SOURCE_UNREADABLE');
    expect((error as Error).message).not.toContain('secret');
  });

  it('tells a URL from a path', () => {
    expect(isVulnDbUrl('https://mirror.example/all.zip')).toBe(true);
    expect(isVulnDbUrl('/var/lib/osv')).toBe(false);
  });
});
