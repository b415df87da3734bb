import { createServer, type Server } from 'node:http';
import { runCli } from '../../test/run-cli.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A stand-in for webhook-intake's read-only endpoint (our own API, not a third party's): it
// answers one known delivery and 404 for the rest, and records the paths it was asked for.
const asked: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    if (req.url === '/v1/deliveries/sha256%3Aabc') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ deliveryId: 'sha256:abc', outcome: 'accepted' }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = (args: string[], env: Record<string, string | undefined> = {}) => runCli(args, env);

describe('portcullis deliveries show', () => {
  it('prints the record, keeping a body-hash id inside one path segment', async () => {
    const result = await run(['deliveries', 'show', 'sha256:abc', '--intake-url', base]);
    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.out)).toEqual({ deliveryId: 'sha256:abc', outcome: 'accepted' });
    expect(asked).toContain('/v1/deliveries/sha256%3Aabc');
  });

  it('says an unknown delivery is unknown', async () => {
    const result = await run(['deliveries', 'show', 'nope', '--intake-url', base]);
    expect(result.error?.message).toContain('unknown');
  });

  it('refuses ids that are not delivery ids before making any request', async () => {
    const before = asked.length;
    const result = await run(['deliveries', 'show', '../../etc/passwd?x', '--intake-url', base]);
    expect(result.error).toBeDefined();
    expect(asked).toHaveLength(before);
  });
});
