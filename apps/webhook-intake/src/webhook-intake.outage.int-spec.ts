import { expectEventually, stackEnv, uniquePrefix } from '@portcullis/testing';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubHeaders, githubPushExample, post, recordsOn, type RunningIntake, startIntake } from '../test/intake-harness.js';

const stackTool = fileURLToPath(new URL('../../../tools/stack/stack', import.meta.url));
const stack = stackEnv();
const prefix = uniquePrefix('intake-outage');
let intake: RunningIntake;

const pushBody = () => Buffer.from(JSON.stringify(githubPushExample()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  intake = await startIntake(stack, prefix, 'intake-outage', { WEBHOOK_PUBLISH_TIMEOUT: '5s', WEBHOOK_RETRY_AFTER_SECONDS: '7' });
}, 120_000);

afterAll(async () => {
  // Whatever happened, leave the shared stack running for the next file.
  execFileSync(stackTool, ['start-kafka'], { stdio: 'inherit' });
  execFileSync(stackTool, ['start-redis'], { stdio: 'inherit' });
  await intake?.close();
}, 120_000);

describe('webhook-intake when Kafka or Redis is down', () => {
  it('answers 503 with Retry-After while Kafka is down, then accepts the retry of the same delivery exactly once', async () => {
    const warm = pushBody();
    expect((await post(`${intake.url}/v1/webhooks/gh`, warm, githubHeaders(warm, randomUUID()))).status).toBe(202);

    execFileSync(stackTool, ['stop-kafka'], { stdio: 'inherit' });
    const id = randomUUID();
    const body = pushBody();
    const started = Date.now();
    const refused = await post(`${intake.url}/v1/webhooks/gh`, body, githubHeaders(body, id));

    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.json).toMatchObject({ status: 'unavailable', code: 'PUBLISH_FAILED' });
    expect(Date.now() - started).toBeLessThan(15_000);
    const record = (await (await fetch(`${intake.url}/v1/deliveries/${id}`)).json()) as Record<string, unknown>;
    expect(record).toMatchObject({ outcome: 'unavailable', status: 503, reason: 'PUBLISH_FAILED' });

    execFileSync(stackTool, ['start-kafka'], { stdio: 'inherit' });
    // The provider's retry: same delivery id, same bytes, until Kafka takes it.
    let status = 0;
    for (let attempt = 0; attempt < 30 && status !== 202; attempt++) {
      status = (await post(`${intake.url}/v1/webhooks/gh`, body, githubHeaders(body, id))).status;
      if (status !== 202) {
        expect(status).toBe(503);
        await sleep(1_000);
      }
    }
    expect(status).toBe(202);
    // Right after a restart the broker may take a while to serve a new reader group; read until it does.
    const records = await expectEventually(
      async () => {
        const found = (await recordsOn(stack, prefix, 'scm.events')).filter((r) => r.headers['ce_deliveryid'] !== undefined);
        expect(found.length).toBeGreaterThanOrEqual(2);
        return found.filter((r) => r.headers['ce_deliveryid'] === id);
      },
      { timeoutMs: 90_000, intervalMs: 1_000 },
    );
    expect(records).toHaveLength(1);
    expect(((await (await fetch(`${intake.url}/v1/deliveries/${id}`)).json()) as Record<string, unknown>)['outcome']).toBe('accepted');
  }, 240_000);

  it('answers 503 while Redis is down (a duplicate could not be recognised) and publishes nothing', async () => {
    execFileSync(stackTool, ['stop-redis'], { stdio: 'inherit' });
    const id = randomUUID();
    const body = pushBody();
    const started = Date.now();
    const refused = await post(`${intake.url}/v1/webhooks/gh`, body, githubHeaders(body, id));
    execFileSync(stackTool, ['start-redis'], { stdio: 'inherit' });

    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ status: 'unavailable', code: 'STATE_UNAVAILABLE' });
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(Date.now() - started).toBeLessThan(15_000);
    const records = (await recordsOn(stack, prefix, 'scm.events')).filter((r) => r.headers['ce_deliveryid'] === id);
    expect(records).toHaveLength(0);
  });
});
