import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { defineConfig } from './config-schema.js';
import { envVar } from './config-variable.js';
import { loadConfig } from './load-config.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const schema = defineConfig({
  port: envVar.port('APP_PORT', { default: '8080', description: 'port' }),
  token: envVar.string('APP_TOKEN', { sensitive: true, description: 'API token' }),
  db: {
    url: envVar.url('APP_DB_URL', { sensitive: true, optional: true, description: 'database' }),
    poolSize: envVar.int('APP_DB_POOL', { default: '4', min: 1, description: 'pool size' }),
  },
});

describe('loadConfig', () => {
  it('returns a typed, deeply frozen object with defaults applied', () => {
    const sut = loadConfig(schema, { APP_TOKEN: ' tok-123 ' });
    expect(sut).toEqual({ port: 8080, token: 'tok-123', db: { url: undefined, poolSize: 4 } });
    expect(Object.isFrozen(sut)).toBe(true);
    expect(Object.isFrozen(sut.db)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    const sut = loadConfig(schema, { APP_TOKEN: 't', APP_PORT: '' });
    expect(sut.port).toBe(8080);
  });

  it('reads a sensitive variable from <NAME>_FILE, trimming the trailing newline', () => {
    const path = secretFile('token', 'tok-from-file\n');
    const sut = loadConfig(schema, { APP_TOKEN_FILE: path });
    expect(sut.token).toBe('tok-from-file');
  });

  it('refuses both <NAME> and <NAME>_FILE without revealing either value', () => {
    const path = secretFile('token-both', 'file-secret-value');
    const error = configErrorOf(() => loadConfig(schema, { APP_TOKEN: 'env-secret-value', APP_TOKEN_FILE: path }));
    expect(error.issues).toEqual([{ variable: 'APP_TOKEN', problem: expect.stringContaining('set only one') }]);
    expect(error.message).not.toContain('env-secret-value');
    expect(error.message).not.toContain('file-secret-value');
  });

  it('names the _FILE variable and the path when the file cannot be read or is empty', () => {
    const missing = join(dir, 'does-not-exist');
    expect(configErrorOf(() => loadConfig(schema, { APP_TOKEN_FILE: missing })).issues).toEqual([
      { variable: 'APP_TOKEN_FILE', problem: `cannot read ${missing} (ENOENT)` },
    ]);
    const empty = secretFile('empty', '\n');
    expect(configErrorOf(() => loadConfig(schema, { APP_TOKEN_FILE: empty })).issues).toEqual([
      { variable: 'APP_TOKEN_FILE', problem: `${empty} is empty` },
    ]);
  });

  it('rejects <NAME>_FILE for a variable that is not sensitive instead of silently using the default', () => {
    const error = configErrorOf(() => loadConfig(schema, { APP_TOKEN: 't', APP_PORT_FILE: '/run/secrets/port' }));
    expect(error.issues).toEqual([{ variable: 'APP_PORT_FILE', problem: expect.stringContaining('not sensitive') }]);
  });

  it('lists every bad variable in one ConfigError', () => {
    const error = configErrorOf(() => loadConfig(schema, { APP_PORT: 'eighty', APP_DB_POOL: '0' }));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.disposition).toBe('permanent');
    expect(error.issues.map((issue) => issue.variable)).toEqual(['APP_PORT', 'APP_TOKEN', 'APP_DB_POOL']);
    expect(error.message).toContain('3 problems');
    expect(error.message).toContain('APP_PORT: not an integer (got "eighty")');
    expect(error.message).toMatch(/APP_TOKEN: missing \(required; set APP_TOKEN or APP_TOKEN_FILE\)/);
    expect(error.message).toContain('APP_DB_POOL: must be at least 1 (got "0")');
  });

  it('never puts a sensitive value into the error, from env or from a file', () => {
    const path = secretFile('db-url', 'postgres-password-in-file not a url');
    const fromEnv = configErrorOf(() => loadConfig(schema, { APP_TOKEN: 't', APP_DB_URL: 'hunter2 is not a url' }));
    expect(fromEnv.issues).toEqual([{ variable: 'APP_DB_URL', problem: 'not a valid URL' }]);
    expect(fromEnv.message).not.toContain('hunter2');
    const fromFile = configErrorOf(() => loadConfig(schema, { APP_TOKEN: 't', APP_DB_URL_FILE: path }));
    expect(fromFile.issues).toEqual([{ variable: 'APP_DB_URL_FILE', problem: 'file content: not a valid URL' }]);
    expect(fromFile.message).not.toContain('postgres-password');
  });

  it('does not echo credentials of a URL typed into a non-sensitive variable', () => {
    const sut = defineConfig({ endpoint: envVar.url('APP_ENDPOINT', { description: 'e', protocols: ['https'] }) });
    const error = configErrorOf(() => loadConfig(sut, { APP_ENDPOINT: 'http://admin:s3cret@example.com' }));
    expect(error.message).toContain('http://***@example.com');
    expect(error.message).not.toContain('s3cret');
  });

  it('runs cross-variable checks only once every variable parsed', () => {
    let calls = 0;
    const sut = defineConfig(
      {
        min: envVar.int('APP_MIN', { description: 'min' }),
        max: envVar.int('APP_MAX', { description: 'max' }),
      },
      {
        check: (c) => {
          calls += 1;
          return c.min <= c.max ? [] : [{ variable: 'APP_MAX', problem: 'must be >= APP_MIN' }];
        },
      },
    );
    expect(configErrorOf(() => loadConfig(sut, { APP_MIN: '5', APP_MAX: '1' })).issues).toEqual([
      { variable: 'APP_MAX', problem: 'must be >= APP_MIN' },
    ]);
    expect(configErrorOf(() => loadConfig(sut, { APP_MIN: 'x', APP_MAX: '1' })).issues.map((i) => i.variable)).toEqual(['APP_MIN']);
    expect(calls).toBe(1);
  });

  it('refuses two different declarations of one environment variable', () => {
    expect(() =>
      defineConfig({
        a: envVar.string('APP_NAME', { description: 'a' }),
        nested: { b: envVar.int('APP_NAME', { description: 'b' }) },
      }),
    ).toThrow(/APP_NAME is declared twice/);
  });
});
