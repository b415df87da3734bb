import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BuiltDelivery } from './built-delivery.js';
import { buildGithubPush } from './github-push.delivery.js';
import { deliver, DeliveryFailedError } from './deliver.js';

interface Received {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

let server: Server | undefined;

/** A real HTTP server standing in for intake: records what arrived and answers with `answer`. */
async function listen(answer: (res: ServerResponse) => void): Promise<{ baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

const built: BuiltDelivery = buildGithubPush({ sourceId: 'github', secret: 's3cret-value', owner: 'acme', name: 'shop-api', after: 'b'.repeat(40) });

describe('deliver', () => {
  it('sends the exact bytes and headers to the path and returns the parsed answer', async () => {
    const { baseUrl, received } = await listen((res) => {
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'accepted', deliveryId: built.deliveryId, eventId: 'e-1' }));
    });

    const sut = await deliver(baseUrl, built);

    expect(sut).toEqual({ status: 202, body: { status: 'accepted', deliveryId: built.deliveryId, eventId: 'e-1' } });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/v1/webhooks/github', body: built.body });
    expect(received[0]!.headers).toMatchObject(built.headers);
  });

  it('keeps a path prefix of the base URL and reports Retry-After and non-2xx answers', async () => {
    const { baseUrl, received } = await listen((res) => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' }).end('{"status":"unavailable","code":"PUBLISH_FAILED"}');
    });

    const sut = await deliver(`${baseUrl}/intake/`, built);

    expect(received[0]!.url).toBe('/intake/v1/webhooks/github');
    expect(sut).toEqual({ status: 503, body: { status: 'unavailable', code: 'PUBLISH_FAILED' }, retryAfterSeconds: 5 });
  });

  it('returns no body for an answer that is not JSON', async () => {
    const { baseUrl } = await listen((res) => res.writeHead(502).end('<html>bad gateway</html>'));
    expect(await deliver(baseUrl, built)).toEqual({ status: 502, body: undefined });
  });

  it('gives up with a timeout error when intake does not answer', async () => {
    const { baseUrl } = await listen(() => undefined);
    const attempt = deliver(baseUrl, built, { timeoutMs: 200 });
    await expect(attempt).rejects.toBeInstanceOf(DeliveryFailedError);
    await expect(attempt).rejects.toMatchObject({ reason: 'timeout', path: '/v1/webhooks/github' });
  });

  it('fails with a network error, naming no secret, when nothing listens', async () => {
    const { baseUrl } = await listen(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const error: unknown = await deliver(baseUrl, built).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DeliveryFailedError', reason: 'network' });
    expect(String((error as Error).message)).not.toContain('s3cret-value');
  });
});
