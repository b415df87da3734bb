import { PassThrough } from 'node:stream';
import { buildProgram } from '../src/cli.program.js';

/** Runs `portcullis <args>` in process with the given environment; returns what it printed and the error it ended with. */
export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<{ out: string; err: string; error: Error | undefined }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    await buildProgram({ stdout, stderr, env }).parseAsync(['node', 'portcullis', ...args]);
    return { out, err, error: undefined };
  } catch (error) {
    return { out, err, error: error as Error };
  }
}
