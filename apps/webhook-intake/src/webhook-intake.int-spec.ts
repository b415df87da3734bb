import { stackEnv, uniquePrefix } from '@portcullis/testing';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtureBytes,
  githubExample,
  githubHeaders,
  githubPushExample,
  hmacHex,
  post,
  recordsOn,
  type RunningIntake,
  SECRETS,
  startIntake,
} from '../test/intake-harness.js';

const stack = stackEnv();
const prefix = uniquePrefix('intake');
let intake: RunningIntake;
let second: RunningIntake;
/** Every delivery id that must be on a topic exactly once when the file is done. */
const acceptedScm: string[] = [];
/** Delivery ids that must never reach a topic. */
const refused: string[] = [];

const pushBody = () => Buffer.from(JSON.stringify(githubPushExample()));
const webhook = (source: string, base = intake.url) => `${base}/v1/webhooks/${source}`;

beforeAll(async () => {
  intake = await startIntake(stack, prefix, 'intake-a');
  second = await startIntake(stack, prefix, 'intake-b');
}, 120_000);

afterAll(async () => {
  await intake?.close();
  await second?.close();
});

describe('webhook-intake against real Kafka and Redis', () => {
  it('accepts a signed GitHub push with 202 once Kafka has it, keyed by repository', async () => {
    const id = randomUUID();
    const body = pushBody();

    const response = await post(webhook('gh'), body, githubHeaders(body, id));

    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ status: 'accepted', deliveryId: id });
    acceptedScm.push(id);
    const records = (await recordsOn(stack, prefix, 'scm.events')).filter((r) => r.headers['ce_deliveryid'] === id);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record!.key).toBe('github/Codertocat/Hello-World');
    expect(record!.headers['ce_id']).toBe(response.json['eventId']);
    expect(record!.headers['ce_type']).toBe('dev.portcullis.scm.events.push.v1');
    expect(JSON.parse(record!.value!.toString())).toMatchObject({
      kind: 'push',
      deliveryId: id,
      ref: 'refs/heads/master',
      repository: { provider: 'github', owner: 'Codertocat', name: 'Hello-World' },
    });
  });

  it('answers a second copy of the same delivery with 200 duplicate and publishes nothing more', async () => {
    const id = randomUUID();
    const body = pushBody();
    const first = await post(webhook('gh'), body, githubHeaders(body, id));
    const again = await post(webhook('gh'), body, githubHeaders(body, id));

    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ status: 'duplicate', deliveryId: id });
    acceptedScm.push(id);
  });

  it('publishes exactly one event when two instances receive the same delivery at once', async () => {
    const id = randomUUID();
    const body = pushBody();
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => post(webhook('gh', i % 2 === 0 ? intake.url : second.url), body, githubHeaders(body, id))),
    );

    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    // The others saw it stored (200 duplicate) or still in flight (503: retry later), never a second 202.
    expect(statuses.every((s) => s === 202 || s === 200 || s === 503)).toBe(true);
    acceptedScm.push(id);
  });

  it('accepts a GitLab push (token) and a Forgejo push (HMAC) end to end', async () => {
    const gitlabId = randomUUID();
    const gitlabBody = fixtureBytes('gitlab-push-hook.json');
    const gitlab = await post(webhook('gl'), gitlabBody, {
      'content-type': 'application/json',
      'x-gitlab-event': 'Push Hook',
      'x-gitlab-event-uuid': gitlabId,
      'x-gitlab-token': SECRETS.gitlab,
    });
    const giteaId = randomUUID();
    const giteaBody = fixtureBytes('forgejo-push.json');
    const gitea = await post(webhook('forgejo'), giteaBody, {
      'content-type': 'application/json',
      'x-gitea-event': 'push',
      'x-forgejo-event': 'push',
      'x-gitea-delivery': giteaId,
      'x-gitea-signature': hmacHex(SECRETS.gitea, giteaBody),
    });

    expect(gitlab.status).toBe(202);
    expect(gitea.status).toBe(202);
    acceptedScm.push(gitlabId, giteaId);
    const records = await recordsOn(stack, prefix, 'scm.events');
    const gl = records.find((r) => r.headers['ce_deliveryid'] === gitlabId);
    const gt = records.find((r) => r.headers['ce_deliveryid'] === giteaId);
    expect(gl?.key).toMatch(/^gitlab\//);
    expect(gt?.key).toMatch(/^gitea\//);
  });

  it('accepts Bitbucket Cloud and Data Center pushes (HMAC) end to end', async () => {
    const cloudId = randomUUID();
    const cloudBody = fixtureBytes('bitbucket-cloud-repo-push.json');
    const cloud = await post(webhook('bb'), cloudBody, {
      'content-type': 'application/json',
      'x-event-key': 'repo:push',
      'x-request-uuid': cloudId,
      'x-hub-signature': `sha256=${hmacHex(SECRETS.bitbucket, cloudBody)}`,
    });
    const dcId = randomUUID();
    const dcBody = fixtureBytes('bitbucket-dc-repo-refs-changed.json');
    const dc = await post(webhook('bbdc'), dcBody, {
      'content-type': 'application/json; charset=UTF-8',
      'x-event-key': 'repo:refs_changed',
      'x-request-id': dcId,
      'x-hub-signature': `sha256=${hmacHex(SECRETS.bitbucket, dcBody)}`,
    });

    expect(cloud.status).toBe(202);
    expect(dc.status).toBe(202);
    const records = await recordsOn(stack, prefix, 'scm.events');
    const cloudRecords = records.filter((r) => r.headers['ce_deliveryid'] === cloudId);
    const dcRecords = records.filter((r) => r.headers['ce_deliveryid'] === dcId);
    expect(cloudRecords.length).toBeGreaterThanOrEqual(1);
    expect(cloudRecords.every((r) => r.key?.startsWith('bitbucket/'))).toBe(true);
    expect(dcRecords.length).toBeGreaterThanOrEqual(1);
    expect(dcRecords.every((r) => r.key?.startsWith('bitbucket-dc/'))).toBe(true);
    // Every event of one delivery has its own id, derived from the delivery id.
    expect(new Set([...cloudRecords, ...dcRecords].map((r) => r.headers['ce_id'])).size).toBe(cloudRecords.length + dcRecords.length);
    for (let i = 0; i < cloudRecords.length; i++) acceptedScm.push(cloudId);
    for (let i = 0; i < dcRecords.length; i++) acceptedScm.push(dcId);
  });

  it('accepts Harbor and distribution pushes into registry.events on the configured registry host', async () => {
    const harborBody = fixtureBytes('harbor-push-artifact.json');
    const harbor = await post(webhook('harbor'), harborBody, { 'content-type': 'application/json', authorization: SECRETS.harbor });
    const distBody = fixtureBytes('distribution-events.json');
    const dist = await post(webhook('dist'), distBody, {
      'content-type': 'application/vnd.docker.distribution.events.v1+json',
      authorization: SECRETS.harbor,
    });

    expect(harbor.status).toBe(202);
    expect(dist.status).toBe(202);
    const records = await recordsOn(stack, prefix, 'registry.events');
    const harborRecord = records.find((r) => r.headers['ce_id'] === harbor.json['eventId']);
    const distRecord = records.find((r) => r.headers['ce_id'] === dist.json['eventId']);
    expect(JSON.parse(harborRecord!.value!.toString())).toMatchObject({ kind: 'image.pushed', image: { registry: 'registry.example.com' } });
    expect(JSON.parse(distRecord!.value!.toString())).toMatchObject({ kind: 'image.pushed', image: { registry: 'registry.example.com:5000' } });
  });

  it('authenticates Docker Hub by the token in its URL and ignores its digest-less push', async () => {
    const body = fixtureBytes('dockerhub-push.json');
    const ok = await post(`${webhook('hub')}?token=${SECRETS.dockerhub}`, body, { 'content-type': 'application/json' });
    const forged = await post(`${webhook('hub')}?token=wrong-token-000000`, body, { 'content-type': 'application/json' });

    expect(ok.status).toBe(202);
    expect(ok.json).toMatchObject({ status: 'ignored' });
    expect(forged.status).toBe(401);
  });

  it('answers ping with 200 and an uninteresting event with 202 ignored, publishing nothing', async () => {
    const pingId = randomUUID();
    const ping = Buffer.from(JSON.stringify(githubExample('ping')));
    const starId = randomUUID();
    const star = Buffer.from(JSON.stringify(githubExample('star')));

    const pong = await post(webhook('gh'), ping, githubHeaders(ping, pingId, 'ping'));
    const ignored = await post(webhook('gh'), star, githubHeaders(star, starId, 'star'));

    expect(pong.status).toBe(200);
    expect(ignored.status).toBe(202);
    expect(ignored.json).toMatchObject({ status: 'ignored' });
    refused.push(pingId, starId);
    const metrics = await (await fetch(`${intake.url}/metrics`)).text();
    expect(metrics).toMatch(/portcullis_webhook_ignored_total\{[^}]*source="gh"[^}]*\} 1/);
  });

  describe('bad input gets a clear error and nothing is published', () => {
    it('404 for an unknown source', async () => {
      const id = randomUUID();
      const body = pushBody();
      const response = await post(webhook('nope'), body, githubHeaders(body, id));
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ code: 'SOURCE_UNKNOWN' });
      refused.push(id);
    });

    it('415 for a media type the provider does not send', async () => {
      const id = randomUUID();
      const body = pushBody();
      const response = await post(webhook('gh'), body, { ...githubHeaders(body, id), 'content-type': 'text/plain' });
      expect(response.status).toBe(415);
      refused.push(id);
    });

    it('413 for a declared body over the limit, before reading it', async () => {
      const id = randomUUID();
      const huge = Buffer.alloc(26 * 1024 * 1024, 0x20);
      const response = await post(webhook('gh'), huge, githubHeaders(huge, id));
      expect(response.status).toBe(413);
      expect(response.json).toMatchObject({ code: 'BODY_TOO_LARGE' });
      refused.push(id);
    });

    it('413 for a chunked body without Content-Length, as soon as it passes the limit', async () => {
      const id = randomUUID();
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(webhook('gh'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'x-github-event': 'push', 'x-github-delivery': id },
        });
        request.on('response', (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let sent = 0;
        const pump = () => {
          while (sent < 30) {
            sent++;
            if (!request.write(chunk)) return void request.once('drain', pump);
          }
          request.end();
        };
        pump();
      });
      expect(status).toBe(413);
      refused.push(id);
    });

    it('401 for a wrong signature, echoing neither secret nor signature', async () => {
      const id = randomUUID();
      const body = pushBody();
      const headers = githubHeaders(body, id, 'push', 'not-the-secret-at-all');
      const response = await post(webhook('gh'), body, headers);
      expect(response.status).toBe(401);
      expect(response.json).toMatchObject({ code: 'SIGNATURE_INVALID', reason: 'mismatch' });
      const text = JSON.stringify(response.json);
      expect(text).not.toContain(headers['x-hub-signature-256']!.slice(7));
      expect(text).not.toContain(SECRETS.github);
      refused.push(id);
    });

    it('400 for malformed JSON and 422 for a payload missing required fields', async () => {
      const badId = randomUUID();
      const bad = Buffer.from('{"ref": "refs/heads/main",');
      const malformed = await post(webhook('gh'), bad, githubHeaders(bad, badId));
      const shapeId = randomUUID();
      const shapeless = Buffer.from(JSON.stringify({ ref: 'refs/heads/main' }));
      const wrongShape = await post(webhook('gh'), shapeless, githubHeaders(shapeless, shapeId));

      expect(malformed.status).toBe(400);
      expect(wrongShape.status).toBe(422);
      expect(wrongShape.json).toMatchObject({ code: 'PAYLOAD_INVALID' });
      expect(Array.isArray(wrongShape.json['issues'])).toBe(true);
      refused.push(badId, shapeId);
    });

    it('429 with Retry-After past the source rate limit', async () => {
      const answers = [];
      for (let i = 0; i < 3; i++) {
        const id = randomUUID();
        const body = pushBody();
        const response = await post(webhook('gh-limited'), body, githubHeaders(body, id));
        answers.push(response);
        if (response.status === 202) acceptedScm.push(id);
        else refused.push(id);
      }
      expect(answers.map((a) => a.status)).toEqual([202, 202, 429]);
      expect(Number(answers[2]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });
  });

  it('records each delivery for operators: accepted, duplicate, rejected and why', async () => {
    const id = randomUUID();
    const body = pushBody();
    await post(webhook('gh'), body, githubHeaders(body, id, 'push', 'wrong-secret-0123456789'));
    const rejectedRecord = await fetch(`${intake.url}/v1/deliveries/${id}`);
    expect(rejectedRecord.status).toBe(200);
    expect(await rejectedRecord.json()).toMatchObject({ deliveryId: id, outcome: 'rejected', status: 401, reason: 'SIGNATURE_INVALID', source: 'gh' });

    const accepted = await post(webhook('gh'), body, githubHeaders(body, id));
    await post(webhook('gh'), body, githubHeaders(body, id));
    acceptedScm.push(id);
    const record = (await (await fetch(`${second.url}/v1/deliveries/${id}`)).json()) as Record<string, unknown>;
    expect(record).toMatchObject({
      deliveryId: id,
      outcome: 'accepted',
      eventId: accepted.json['eventId'],
      provider: 'github',
      eventType: 'push',
      repository: 'github/Codertocat/Hello-World',
    });
    expect((record['attempts'] as { outcome: string }[]).map((a) => a.outcome)).toEqual(['duplicate', 'accepted', 'rejected']);
    expect(JSON.stringify(record)).not.toContain('Hello-World.git');

    const unknown = await fetch(`${intake.url}/v1/deliveries/${randomUUID()}`);
    expect(unknown.status).toBe(404);
  });

  it('accepts a signed CI build announcement on /v1/builds into registry.events', async () => {
    const body = Buffer.from(
      JSON.stringify({
        repository: { provider: 'github', owner: 'acme', name: 'shop' },
        commit: 'a'.repeat(40),
        image: `registry.example.com/acme/shop:1.0.0@sha256:${'b'.repeat(64)}`,
      }),
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    const response = await post(`${intake.url}/v1/builds`, body, {
      'content-type': 'application/json',
      'x-portcullis-timestamp': timestamp,
      'x-portcullis-signature': `sha256=${hmacHex(SECRETS.ci, timestamp, '.', body)}`,
    });

    expect(response.status).toBe(202);
    const records = await recordsOn(stack, prefix, 'registry.events');
    const record = records.find((r) => r.headers['ce_id'] === response.json['eventId']);
    expect(record?.key).toBe('github/acme/shop');
    expect(record?.headers['ce_type']).toBe('dev.portcullis.registry.events.build.announced.v1');
    expect(JSON.parse(record!.value!.toString())).toMatchObject({
      kind: 'build.announced',
      image: { registry: 'registry.example.com', repository: 'acme/shop' },
    });
  });

  it('has published every accepted delivery exactly once and nothing it refused', async () => {
    const records = await recordsOn(stack, prefix, 'scm.events');
    const deliveries = records.map((r) => r.headers['ce_deliveryid']);
    expect([...deliveries].sort()).toEqual([...acceptedScm].sort());
    for (const id of refused) expect(deliveries).not.toContain(id);
  });
});
