import { type ConfigVariable } from './config-variable.js';

/** What replaces a sensitive value in masked output. */
export const MASK = '***';

/** A log-safe copy of a loaded config (or of one of its groups). */
export interface MaskedConfig {
  readonly [key: string]: unknown;
}

// Loaded config objects are frozen plain objects; which of their keys hold secrets is remembered
// here instead of on the objects, so the config stays a plain, JSON-able value for the code using it.
const sensitiveKeysByObject = new WeakMap<object, ReadonlyMap<string, ConfigVariable<unknown>>>();

/** @internal Called by loadConfig for every object it builds. */
export function rememberSensitiveKeys(loaded: object, sensitiveKeys: ReadonlyMap<string, ConfigVariable<unknown>>): void {
  sensitiveKeysByObject.set(loaded, sensitiveKeys);
}

function sensitiveKeysOf(config: object): ReadonlyMap<string, ConfigVariable<unknown>> {
  const keys = sensitiveKeysByObject.get(config);
  // Guessing which fields are secret would be worse than refusing: a copy made with `{ ...config }`
  // has lost the declaration, so masking it "best effort" could log a password.
  if (keys === undefined) throw new TypeError('expected an object returned by loadConfig (or one of its nested groups)');
  return keys;
}

function isLoadedObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && sensitiveKeysByObject.has(value);
}

/**
 * A copy of a loaded config that is safe to log: every set sensitive value becomes `***` (unset
 * ones stay `undefined`, which tells the reader they are missing).
 */
export function maskConfig(config: object): MaskedConfig {
  const sensitive = sensitiveKeysOf(config);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (sensitive.has(key)) out[key] = value === undefined ? undefined : MASK;
    else if (isLoadedObject(value)) out[key] = maskConfig(value);
    else out[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
  }
  return out;
}

/**
 * Every secret value held by a loaded config, for the logger to scrub from any line. A credentialed
 * URL contributes the URL and its password (raw and percent-decoded), since libraries often log the
 * parsed parts rather than the URL.
 */
export function sensitiveValues(config: object): string[] {
  const found = new Set<string>();
  const collect = (node: object): void => {
    const sensitive = sensitiveKeysOf(node);
    for (const [key, value] of Object.entries(node)) {
      const variable = sensitive.get(key);
      if (variable !== undefined) {
        const values: unknown[] = Array.isArray(value) ? value : [value];
        for (const item of values) {
          if (typeof item !== 'string' || item === '') continue;
          found.add(item);
          if (variable.type === 'url') for (const part of credentialsOf(item)) found.add(part);
        }
      } else if (isLoadedObject(value)) {
        collect(value);
      }
    }
  };
  collect(config);
  return [...found];
}

function credentialsOf(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  // Only the password when there is one: usernames like "default" would scrub half of every log.
  // A username alone (https://TOKEN@host) is usually itself the token.
  const secret = url.password !== '' ? url.password : url.username;
  if (secret === '') return [];
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {
    // Malformed percent-encoding: the raw form is all there is.
  }
  return decoded === secret ? [secret] : [secret, decoded];
}
