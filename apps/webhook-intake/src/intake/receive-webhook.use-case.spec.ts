import { StateError } from '@portcullis/state';
import { createHmac } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type WebhookSource } from '../sources/webhook-source.js';
import { eventIdOf } from './event-id.js';
import { type DeliveryAttempt, type DeliveryClaims, type EventBus, type IntakeMetrics, type RateLimiter } from './intake.ports.js';
import { ReceiveWebhook } from './receive-webhook.use-case.js';

const SECRET = 'unit-test-secret-123';
const OLD_SECRET = 'old-unit-test-secret-123';
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958';
const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

const source: WebhookSource = {
  id: 'gh',
  provider: 'github',
  scope: {},
  secrets: [OLD_SECRET, SECRET],
  baseUrl: new URL('https://github.com'),
  perMinute: 100,
  perRepositoryPerMinute: 10,
};

function push(overrides: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    before: SHA_A,
    after: SHA_B,
    created: false,
    deleted: false,
    forced: false,
    repository: { name: 'shop', owner: { login: 'acme', name: 'acme' }, full_name: 'acme/shop' },
    pusher: { name: 'octo', email: 'octo@example.com' },
    sender: { login: 'octo' },
    commits: [{ id: SHA_B, message: 'm', timestamp: '2026-01-01T00:00:00Z', author: { name: 'o', email: 'o@example.com' }, added: ['a.txt'], removed: [], modified: [] }],
    head_commit: null,
    ...overrides,
  };
}

function signed(body: Buffer | string, event = 'push', secret = SECRET) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    source,
    rawBody: bytes,
    mediaType: 'application/json',
    query: {},
    headers: {
      'x-github-event': event,
      'x-github-delivery': DELIVERY,
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(bytes).digest('hex')}`,
    },
  };
}

function fakes() {
  const processed = new Set<string>();
  const claimed = new Set<string>();
  const claims = {
    processed,
    claimed,
    isProcessed: vi.fn(async (id: string) => processed.has(id)),
    tryClaim: vi.fn(async (id: string) => {
      if (claimed.has(id)) return false;
      claimed.add(id);
      return true;
    }),
    markProcessed: vi.fn(async (id: string) => void processed.add(id)),
    release: vi.fn(async (id: string) => void claimed.delete(id)),
  } satisfies DeliveryClaims & Record<string, unknown>;
  const bus = { publish: vi.fn<EventBus['publish']>(async () => undefined) };
  const limiter = { take: vi.fn<RateLimiter['take']>(async () => ({ allowed: true, retryAfterMs: 0 })) };
  const attempts: DeliveryAttempt[] = [];
  const records = { record: vi.fn(async (a: DeliveryAttempt) => void attempts.push(a)), find: vi.fn(async () => undefined) };
  const metrics = { request: vi.fn(), ignored: vi.fn(), publishDuration: vi.fn() } satisfies IntakeMetrics;
  const logger = { warn: vi.fn() };
  return { claims, bus, limiter, records, attempts, metrics, logger };
}

let f: ReturnType<typeof fakes>;
let sut: ReceiveWebhook;

beforeEach(() => {
  f = fakes();
  sut = new ReceiveWebhook({
    ...f,
    clock: { now: () => new Date('2026-01-15T12:00:00.000Z') },
    settings: { claimTtlMs: 60_000, processedTtlMs: 604_800_000, retryAfterSeconds: 30 },
    bearerTokensOf: () => [],
  });
});

describe('ReceiveWebhook', () => {
  it('publishes a verified push once, with an event id derived from the delivery id, and answers 202 after the ack', async () => {
    const reply = await sut.execute(signed(JSON.stringify(push())));

    expect(reply).toEqual({ status: 202, body: { status: 'accepted', deliveryId: DELIVERY, eventId: eventIdOf(DELIVERY) } });
    expect(f.bus.publish).toHaveBeenCalledTimes(1);
    const [event, ids] = f.bus.publish.mock.calls[0]!;
    expect(ids).toEqual({ eventId: eventIdOf(DELIVERY), deliveryId: DELIVERY });
    expect(event.body).toMatchObject({ kind: 'push', deliveryId: DELIVERY, repository: { provider: 'github', owner: 'acme', name: 'shop' } });
    expect(f.claims.markProcessed).toHaveBeenCalledWith(DELIVERY, 604_800_000);
    expect(f.attempts[0]).toMatchObject({ outcome: 'accepted', status: 202, repository: 'github/acme/shop', eventType: 'push', eventId: eventIdOf(DELIVERY) });
    expect(f.metrics.publishDuration).toHaveBeenCalledWith({ topic: 'scm.events', result: 'ok' }, expect.any(Number));
  });

  it('accepts the old secret during a rotation', async () => {
    expect((await sut.execute(signed(JSON.stringify(push()), 'push', OLD_SECRET))).status).toBe(202);
  });

  it('checks the signature before parsing: a forged malformed body is 401, not 400', async () => {
    const forged = signed('{not json', 'push', 'attacker-secret-123');

    const reply = await sut.execute(forged);

    expect(reply.status).toBe(401);
    expect(reply.body).toEqual({ status: 'rejected', code: 'SIGNATURE_INVALID', message: 'the delivery could not be authenticated', reason: 'mismatch' });
    expect(JSON.stringify(reply.body)).not.toContain(SECRET);
    expect(f.bus.publish).not.toHaveBeenCalled();
    expect(f.claims.tryClaim).not.toHaveBeenCalled();
    expect(f.attempts[0]).toMatchObject({ deliveryId: DELIVERY, outcome: 'rejected', reason: 'SIGNATURE_INVALID' });
  });

  it('answers 400 for malformed or hostile JSON', async () => {
    expect((await sut.execute(signed('{"ref": '))).body).toMatchObject({ code: 'INVALID_JSON' });
    const deep = await sut.execute(signed('['.repeat(5_000) + ']'.repeat(5_000)));
    expect(deep).toMatchObject({ status: 400, body: { code: 'TOO_DEEP' } });
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('answers 422 with issue paths when required fields are missing', async () => {
    const reply = await sut.execute(signed(JSON.stringify({ ref: 'refs/heads/main' })));
    expect(reply.status).toBe(422);
    expect(reply.body['code']).toBe('PAYLOAD_INVALID');
    expect((reply.body['issues'] as unknown[]).length).toBeGreaterThan(0);
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('answers 429 with Retry-After when the source or the repository bucket is empty', async () => {
    f.limiter.take.mockResolvedValueOnce({ allowed: true, retryAfterMs: 0 }).mockResolvedValueOnce({ allowed: false, retryAfterMs: 2_500 });

    const reply = await sut.execute(signed(JSON.stringify(push())));

    expect(reply).toMatchObject({ status: 429, retryAfterSeconds: 3, body: { code: 'RATE_LIMITED_REPOSITORY' } });
    expect(f.limiter.take.mock.calls.map((c) => c[0])).toEqual(['source:gh', 'repository:gh:github/acme/shop']);
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('answers 200 duplicate for a delivery already published, publishing nothing', async () => {
    f.claims.processed.add(DELIVERY);

    const reply = await sut.execute(signed(JSON.stringify(push())));

    expect(reply).toEqual({ status: 200, body: { status: 'duplicate', deliveryId: DELIVERY } });
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('answers 503 (not duplicate) while another request holds the claim, since its publish may still fail', async () => {
    f.claims.claimed.add(DELIVERY);

    const reply = await sut.execute(signed(JSON.stringify(push())));

    expect(reply).toMatchObject({ status: 503, retryAfterSeconds: 5, body: { code: 'DELIVERY_IN_PROGRESS' } });
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('forgets the claim and answers 503 with Retry-After when Kafka does not acknowledge, so the retry is accepted', async () => {
    f.bus.publish.mockRejectedValueOnce(new Error('broker down'));

    const refused = await sut.execute(signed(JSON.stringify(push())));
    const retried = await sut.execute(signed(JSON.stringify(push())));

    expect(refused).toMatchObject({ status: 503, retryAfterSeconds: 30, body: { status: 'unavailable', code: 'PUBLISH_FAILED' } });
    expect(f.claims.release).toHaveBeenCalledWith(DELIVERY);
    expect(retried.status).toBe(202);
    // The retry carries the same event id, so a late copy of the first attempt is deduplicated downstream.
    expect(f.bus.publish.mock.calls.map((c) => c[1].eventId)).toEqual([eventIdOf(DELIVERY), eventIdOf(DELIVERY)]);
  });

  it('answers 503 when Redis is unavailable, publishing nothing', async () => {
    f.claims.isProcessed.mockRejectedValueOnce(new StateError({ code: 'STATE_UNAVAILABLE', disposition: 'retry', message: 'redis down' }));

    const reply = await sut.execute(signed(JSON.stringify(push())));

    expect(reply).toMatchObject({ status: 503, retryAfterSeconds: 30, body: { code: 'STATE_UNAVAILABLE' } });
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('still answers 202 when the event is in Kafka but the processed mark or the record cannot be written', async () => {
    f.claims.markProcessed.mockRejectedValueOnce(new StateError({ code: 'STATE_TIMEOUT', disposition: 'retry', message: 'slow' }));
    f.records.record.mockRejectedValueOnce(new Error('redis down'));

    expect((await sut.execute(signed(JSON.stringify(push())))).status).toBe(202);
  });

  it('answers a ping with 200 and an uninteresting event with 202 ignored, publishing nothing and counting it', async () => {
    const ping = await sut.execute(signed(JSON.stringify({ zen: 'Keep it simple.', hook_id: 1, hook: { type: 'Repository' } }), 'ping'));
    const star = await sut.execute(signed(JSON.stringify({ action: 'created', starred_at: null }), 'star'));

    expect(ping.status).toBe(200);
    expect(star).toMatchObject({ status: 202, body: { status: 'ignored' } });
    expect(f.metrics.ignored).toHaveBeenCalledWith({ source: 'gh', reason: expect.any(String) });
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('refuses with 403 a repository outside the source scope', async () => {
    const scoped = new ReceiveWebhook({
      ...f,
      clock: { now: () => new Date() },
      settings: { claimTtlMs: 60_000, processedTtlMs: 60_000, retryAfterSeconds: 30 },
      bearerTokensOf: () => [],
    });
    const request = { ...signed(JSON.stringify(push())), source: { ...source, scope: { owner: 'other-org' } } };

    expect((await scoped.execute(request)).body).toMatchObject({ code: 'SCOPE_MISMATCH' });
    expect(f.bus.publish).not.toHaveBeenCalled();
  });

  it('reads GitHub form-encoded deliveries from the signed `payload` field', async () => {
    const form = `payload=${encodeURIComponent(JSON.stringify(push()))}`;
    const request = { ...signed(form), mediaType: 'application/x-www-form-urlencoded' };

    expect((await sut.execute(request)).status).toBe(202);
  });

  it('records and counts refusals at the edge with the header delivery id', async () => {
    const reply = await sut.rejectAtEdge({ source, headers: { 'x-github-delivery': DELIVERY }, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'm' });

    expect(reply.status).toBe(415);
    expect(f.metrics.request).toHaveBeenCalledWith({ source: 'gh', provider: 'github', outcome: 'rejected', status: 415 });
    expect(f.attempts[0]).toMatchObject({ deliveryId: DELIVERY, outcome: 'rejected', reason: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
