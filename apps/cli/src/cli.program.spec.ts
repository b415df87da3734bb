import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from './cli.program.js';

function run(args: string[], env: Record<string, string | undefined> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const sut = buildProgram({ stdout, stderr, env });
  return sut.parseAsync(['node', 'portcullis', ...args]).then(
    () => ({ ok: true as const, out, err }),
    (error: unknown) => ({ ok: false as const, out, err, error }),
  );
}

describe('portcullis CLI', () => {
  it('lists its commands in --help without needing any environment', async () => {
    const result = await run(['--help']);
    expect(result.out).toContain('dlq');
    expect(result.out).toContain('events');
  });

  it('refuses an unknown topic and names the valid ones', async () => {
    const result = await run(['dlq', 'list', 'nope.events']);
    expect(result.ok).toBe(false);
    expect(result.err).toContain('unknown topic');
    expect(result.err).toContain('scm.events');
  });

  it('will not replay everything by accident: --id or --all is required', async () => {
    const result = await run(['dlq', 'replay', 'scm.events'], { KAFKA_BROKERS: '127.0.0.1:1' });
    expect(result.ok).toBe(false);
    expect(String((result as { error: Error }).error.message)).toContain('--id');
  });

  it('reports missing Kafka configuration instead of connecting anywhere', async () => {
    const result = await run(['dlq', 'list', 'scm.events'], {});
    expect(result.ok).toBe(false);
    expect(String((result as { error: Error }).error.message)).toContain('KAFKA_BROKERS');
  });
});
