import { FindingTriageCommand } from '@portcullis/contracts';
import { createRedisClient } from '@portcullis/state';
import { expectEventually, stackEnv, uniquePrefix } from '@portcullis/testing';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, API_TOKEN, recordsOn, type RunningAuditor, startAuditor } from '../test/auditor-harness.js';
import { RedisIncidentIndex } from './adapters/redis-incident.index.js';

const stack = stackEnv();
const prefix = uniquePrefix('auditor-api');
const redis = createRedisClient({ url: stack.redisUrl, keyPrefix: prefix, clientName: 'auditor-api-int-spec' });
// What the audit use case will call when it reports findings; the API reads what it wrote.
const incidents = new RedisIncidentIndex(redis, { ttlMs: 3_600_000, maxLocations: 100 });
let a: RunningAuditor;
let b: RunningAuditor;

const fp = () => randomUUID().replace(/-/g, '').repeat(2);
const sha = '3'.repeat(40);
const seen = (fingerprint: string, owner: string, path: string) =>
  incidents.record([
    { fingerprint, ruleId: 'aws-access-key', severity: 'critical', repository: { provider: 'github', owner, name: 'svc' }, path, commit: sha, seenAt: new Date().toISOString() },
  ]);

async function stateOn(base: string, fingerprint: string): Promise<unknown> {
  return (await api(base, 'GET', `/v1/secrets/incidents/${fingerprint}`)).json['state'];
}

beforeAll(async () => {
  a = await startAuditor(stack, prefix, 'auditor-a');
  b = await startAuditor(stack, prefix, 'auditor-b');
}, 120_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await redis.close();
});

describe('triage API → operator.commands → consumer → Redis view', () => {
  it('answers 202 once Kafka has the decision, and every instance then shows it', async () => {
    const fingerprint = fp();
    await seen(fingerprint, 'acme', '.env');
    await seen(fingerprint, 'globex', 'deploy/values.yaml');
    const requestId = randomUUID();

    const answer = await api(a.url, 'PUT', `/v1/secrets/triage/${fingerprint}`, {
      body: { state: 'false_positive', reason: 'documentation example key', by: 'alice', requestId },
      headers: { 'x-portcullis-client': 'cli' },
    });

    expect(answer.status).toBe(202);
    expect(answer.json).toMatchObject({ status: 'accepted', requestId, fingerprint, state: 'false_positive' });
    // Durable first: the command is on operator.commands, keyed by the first repository it was found in.
    const records = (await recordsOn(stack, prefix, 'operator.commands')).filter((r) => r.headers['ce_id'] === answer.json['eventId']);
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe('github/acme/svc');
    expect(records[0]!.headers['ce_subject']).toBe(`finding/${fingerprint}`);
    const command = FindingTriageCommand.parse(JSON.parse(records[0]!.value!.toString()));
    expect(command).toMatchObject({ fingerprint, state: 'false_positive', reason: 'documentation example key', requestId, actor: { source: 'cli', id: 'alice' } });

    for (const instance of [a, b]) {
      await expectEventually(async () => expect(await stateOn(instance.url, fingerprint)).toBe('false_positive'), { timeoutMs: 30_000 });
    }
    const shown = await api(b.url, 'GET', `/v1/secrets/incidents/${fingerprint}`);
    expect(shown.json).toMatchObject({
      fingerprint,
      repositories: ['github/acme/svc', 'github/globex/svc'],
      severity: 'critical',
      triage: { state: 'false_positive', by: 'alice', reason: 'documentation example key', requestId, lapsed: false },
    });
  });

  it('keeps the later decision when two are made at once on two instances', async () => {
    const fingerprint = fp();
    await seen(fingerprint, 'acme', 'a.pem');
    const first = await api(a.url, 'PUT', `/v1/secrets/triage/${fingerprint}`, { body: { state: 'accepted', reason: 'vendor sandbox', by: 'alice', until: '2099-01-31' } });
    const second = await api(b.url, 'PUT', `/v1/secrets/triage/${fingerprint}`, { body: { state: 'rotated', reason: 'rotated in vault', by: 'bob' } });
    expect([first.status, second.status]).toEqual([202, 202]);
    const later = Date.parse(String(first.json['decidedAt'])) > Date.parse(String(second.json['decidedAt'])) ? 'accepted' : 'rotated';
    await expectEventually(async () => expect(await stateOn(a.url, fingerprint)).toBe(later), { timeoutMs: 30_000 });
  });

  it('lists open incidents page by page, and a triaged one leaves the open list', async () => {
    const mine = [fp(), fp(), fp()].sort();
    for (const f of mine) await seen(f, 'paging', 'k.txt');
    const collect = async (state: string) => {
      const out: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 50; i++) {
        const page = await api(a.url, 'GET', `/v1/secrets/incidents?state=${state}&limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`);
        expect(page.status).toBe(200);
        const items = page.json['items'] as { fingerprint: string; state: string }[];
        expect(items.length).toBeLessThanOrEqual(2);
        expect(items.every((item) => item.state === state)).toBe(true);
        out.push(...items.map((item) => item.fingerprint));
        cursor = page.json['nextCursor'] as string | undefined;
        if (cursor === undefined) break;
      }
      return out;
    };
    expect(await collect('open')).toEqual(expect.arrayContaining(mine));

    await api(a.url, 'PUT', `/v1/secrets/triage/${mine[1]}`, { body: { state: 'rotated', reason: 'rotated', by: 'carol' } });
    await expectEventually(async () => expect(await stateOn(a.url, mine[1]!)).toBe('rotated'), { timeoutMs: 30_000 });
    const open = await collect('open');
    expect(open).toEqual(expect.arrayContaining([mine[0], mine[2]]));
    expect(open).not.toContain(mine[1]);
    expect(await collect('rotated')).toContain(mine[1]);
  });

  it('rebuilds the view from operator.commands into an empty Redis', async () => {
    const fingerprint = fp();
    await seen(fingerprint, 'replay', 'x.env');
    await api(a.url, 'PUT', `/v1/secrets/triage/${fingerprint}`, { body: { state: 'false_positive', reason: 'test data', by: 'dave' } });
    await expectEventually(async () => expect(await stateOn(a.url, fingerprint)).toBe('false_positive'), { timeoutMs: 30_000 });

    // A new consumer group on a fresh Redis prefix: as after losing Redis and replaying the topic.
    const rebuilt = await startAuditor(stack, prefix, 'auditor-replay', { redisPrefix: uniquePrefix('auditor-empty'), groupId: `replay-${randomUUID()}` });
    try {
      await expectEventually(async () => expect(await stateOn(rebuilt.url, fingerprint)).toBe('false_positive'), { timeoutMs: 60_000 });
    } finally {
      await rebuilt.close();
    }
  }, 120_000);
});

describe('triage API refusals', () => {
  const known = fp();
  beforeAll(() => seen(known, 'acme', 'r.txt'));

  it('needs the bearer token on every route', async () => {
    for (const [method, path] of [
      ['GET', '/v1/secrets/incidents'],
      ['GET', `/v1/secrets/incidents/${known}`],
      ['PUT', `/v1/secrets/triage/${known}`],
      ['POST', '/v1/secrets/sweeps'],
    ] as const) {
      const body = method === 'GET' ? {} : { body: { state: 'open', reason: 'r', by: 'x', repository: 'github/acme/svc' } };
      const missing = await api(a.url, method, path, { token: null, ...body });
      const wrong = await api(a.url, method, path, { token: `${API_TOKEN}x`, ...body });
      expect([missing.status, wrong.status]).toEqual([401, 401]);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('says what is wrong with a decision', async () => {
    const answer = await api(a.url, 'PUT', `/v1/secrets/triage/${known}`, { body: { state: 'ignored', by: '', colour: 'red' } });
    expect(answer.status).toBe(400);
    expect(answer.json['code']).toBe('INVALID_REQUEST');
    const issues = JSON.stringify(answer.json['issues']);
    for (const field of ['state', 'reason', 'by', 'colour']) expect(issues).toContain(field);
  });

  it('refuses until on anything but accepted, and an until in the past', async () => {
    const onRotated = await api(a.url, 'PUT', `/v1/secrets/triage/${known}`, { body: { state: 'rotated', reason: 'r', by: 'x', until: '2099-01-01' } });
    const past = await api(a.url, 'PUT', `/v1/secrets/triage/${known}`, { body: { state: 'accepted', reason: 'r', by: 'x', until: '2020-01-01' } });
    expect([onRotated.status, onRotated.json['code']]).toEqual([400, 'UNTIL_NOT_ALLOWED']);
    expect([past.status, past.json['code']]).toEqual([400, 'UNTIL_IN_PAST']);
  });

  it('asks for a repository when no audit has reported the fingerprint', async () => {
    const unknown = fp();
    const without = await api(a.url, 'PUT', `/v1/secrets/triage/${unknown}`, { body: { state: 'false_positive', reason: 'r', by: 'x' } });
    expect([without.status, without.json['code']]).toEqual([409, 'REPOSITORY_REQUIRED']);
    const withRepo = await api(a.url, 'PUT', `/v1/secrets/triage/${unknown}`, { body: { state: 'false_positive', reason: 'r', by: 'x', repository: 'gitea/acme/tools' } });
    expect(withRepo.status).toBe(202);
    // Triaged before any audit saw it: shown with its decision and no locations.
    await expectEventually(async () => expect(await stateOn(a.url, unknown)).toBe('false_positive'), { timeoutMs: 30_000 });
  });

  it('refuses non-JSON, oversized and malformed bodies, and bad fingerprints and queries', async () => {
    const path = `/v1/secrets/triage/${known}`;
    expect((await api(a.url, 'PUT', path, { rawBody: 'state=open', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await api(a.url, 'PUT', path, { body: { state: 'open', reason: 'r'.repeat(20_000), by: 'x' } })).status).toBe(413);
    expect((await api(a.url, 'PUT', path, { rawBody: '{"state":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await api(a.url, 'PUT', '/v1/secrets/triage/not-hex', { body: { state: 'open', reason: 'r', by: 'x' } })).status).toBe(400);
    expect((await api(a.url, 'GET', '/v1/secrets/incidents?limit=1000')).status).toBe(400);
    expect((await api(a.url, 'GET', '/v1/secrets/incidents?sort=desc')).status).toBe(400);
    expect((await api(a.url, 'GET', `/v1/secrets/incidents/${fp()}`)).status).toBe(404);
  });

  it('validates a sweep request and queues a valid one as secrets.sweep on operator.commands', async () => {
    const bad = await api(a.url, 'POST', '/v1/secrets/sweeps', { body: { repository: 'acme/shop', by: 'x' } });
    expect([bad.status, JSON.stringify(bad.json['issues'])]).toEqual([400, expect.stringContaining('provider/owner/name')]);
    const badRef = await api(a.url, 'POST', '/v1/secrets/sweeps', { body: { repository: 'github/acme/shop', ref: 'main', by: 'x' } });
    expect(badRef.status).toBe(400);
    const good = await api(a.url, 'POST', '/v1/secrets/sweeps', { body: { repository: 'github/acme/shop', ref: 'refs/heads/main', reason: 'onboarding', by: 'x' } });
    expect([good.status, good.json['status']]).toEqual([202, 'accepted']);
    const queued = await expectEventually(async () => {
      const record = (await recordsOn(stack, prefix, 'operator.commands', 500)).find((r) => r.headers['ce_id'] === good.json['eventId']);
      expect(record).toBeDefined();
      return JSON.parse(record!.value!.toString()) as Record<string, unknown>;
    });
    expect(queued).toMatchObject({ kind: 'secrets.sweep', repository: { provider: 'github', owner: 'acme', name: 'shop' }, ref: 'refs/heads/main', reason: 'onboarding' });
  });
});

describe('portcullis CLI against the running service', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const run = promisify(execFile);
  const cli = async (args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, ['apps/cli/bin/portcullis.mjs', ...args], {
        cwd: root,
        env: { PATH: process.env['PATH'], PORTCULLIS_AUDITOR_URL: a.url, PORTCULLIS_API_TOKEN: API_TOKEN, USER: 'erin' },
      });
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    await run('npx', ['tsc', '-b', 'apps/cli/tsconfig.lib.json'], { cwd: root });
  }, 180_000);

  it('sets, shows and lists a decision through the real API', async () => {
    const fingerprint = fp();
    await seen(fingerprint, 'cli', 'secrets.txt');

    const set = await cli(['triage', 'set', fingerprint, '--state', 'accepted', '--reason', 'sandbox key', '--until', '2099-12-31', '--json']);
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout)).toMatchObject({ status: 'accepted', fingerprint, state: 'accepted' });

    await expectEventually(
      async () => {
        const show = await cli(['triage', 'show', fingerprint, '--json']);
        expect(JSON.parse(show.stdout)).toMatchObject({ state: 'accepted', triage: { by: 'erin', until: '2099-12-31T23:59:59.000Z' }, repositories: ['github/cli/svc'] });
      },
      { timeoutMs: 30_000 },
    );
    const list = await cli(['triage', 'list', '--state', 'accepted', '--limit', '200']);
    expect(list.stdout).toContain(fingerprint);

    const sweep = await cli(['secrets', 'sweep', 'acme/shop']);
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toContain('sweep of github/acme/shop queued');
  }, 60_000);
});
