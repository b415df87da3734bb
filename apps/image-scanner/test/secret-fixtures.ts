import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh GitHub-PAT-shaped token (random, never a real credential); split so this file holds none. */
export function fakeGithubToken(): string {
  return `${'gh' + 'p_'}${Array.from(randomBytes(36), (b) => ALNUM[b % ALNUM.length]).join('')}`;
}

/** A fresh AWS-access-key-id-shaped value. */
export function fakeAwsKeyId(): string {
  return `${'AK' + 'IA'}${Array.from(randomBytes(16), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('')}`;
}

/** A 24-byte fingerprint key, as the service reads SECRETS_FINGERPRINT_KEY. */
export const TEST_FINGERPRINT_KEY = Buffer.from('image-scanner-test-fingerprint-key');

/** An uncompressed layer tar of `files` (a `.wh.<name>` entry is a whiteout). */
export async function layerTar(files: Record<string, string | Buffer>): Promise<Readable> {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name, mode: 0o644 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Readable.from([Buffer.concat(chunks)]);
}
