import { allTopicSpecs, type AuditCompletedEvent, AuditResults, exampleScmPush, ScmEvents, ZERO_SHA } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import { engineFindings, kafkaTexts, leaksIn, redisTexts, type ScannedText } from '@portcullis/pipeline';
import {
  createRemoteRepo,
  expectEventually,
  gitServerEnv,
  serviceEnv,
  stackEnv,
  uniqueOwner,
  uniquePrefix,
  WorkTree,
  REPO_ROOT,
  startServiceProcess,
  type ServiceProcess,
} from '@portcullis/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A push goes through the real service (built, as a process), the real git server of the stack,
// Kafka and Redis. Secrets are generated per run; none is written in this file.
const stack = stackEnv();
const git = gitServerEnv();
const prefix = uniquePrefix('auditor-e2e');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'auditor-e2e', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const apiToken = randomBytes(24).toString('hex');
const fingerprintKey = randomBytes(24).toString('hex');
const owner = uniqueOwner('audit');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const token = (prefixText: string, length: number) => prefixText + Array.from(randomBytes(length), (b) => ALNUM[b % ALNUM.length]).join('');

/** Every raw secret this run plants; none may appear in Kafka, Redis or the service's output. */
const planted: string[] = [];
const plant = (value: string) => {
  planted.push(value);
  return value;
};

let service: ServiceProcess;
const work: WorkTree[] = [];

function repoTree(name: string): WorkTree {
  createRemoteRepo(git, owner, name);
  const tree = new WorkTree(git, owner, name);
  work.push(tree);
  return tree;
}

/** Publishes the push event a provider webhook would have produced, and waits for its audit.completed. */
async function pushAndAudit(name: string, ref: string, before: string, after: string): Promise<AuditCompletedEvent> {
  const id = randomUUID();
  await publisher.publish(ScmEvents, exampleScmPush({ repository: { provider: 'github', owner, name }, ref, before, after, forced: false }), { id });
  return expectEventually(
    async () => {
      const records = await readTopic(kafka, AuditResults.name, { topicPrefix: prefix, idleMs: 300 });
      const record = records.find((r) => r.headers['ce_id'] === `${id}:audit-completed`);
      expect(record, `no audit.completed for ${name}@${after.slice(0, 8)} yet:\n${service.tail()}`).toBeDefined();
      return JSON.parse(record!.value!.toString()) as AuditCompletedEvent;
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

const places = (audit: AuditCompletedEvent) => audit.findings.map((f) => `${f.ruleId} ${f.path}:${f.line}`).sort();

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'apps/secret-auditor/tsconfig.lib.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  await publisher.connect();
  service = await startServiceProcess('secret-auditor', {
    ...serviceEnv(stack, prefix, 'auditor-e2e-1'),
    LOG_LEVEL: 'debug',
    AUDITOR_API_TOKEN: apiToken,
    SECRETS_FINGERPRINT_KEY: fingerprintKey,
    GIT_HOST_GITHUB_URL: git.url,
    GIT_HOST_GITHUB_USERNAME: git.user,
    GIT_HOST_GITHUB_TOKEN: git.password,
    GIT_HOSTS_ALLOW_HTTP: 'github',
    SECRETS_SCAN_WORKERS: '1',
  });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await publisher.disconnect().catch(() => undefined);
  for (const tree of work) tree.remove();
});

describe('secret-auditor audits pushed commits end to end', () => {
  it('reports a leaked token and a plain Kubernetes Secret in a push, with only fingerprints and masked previews', async () => {
    const tree = repoTree('payments');
    tree.write('README.md', '# payments\n').write('src/config.ts', "export const region = 'eu-west-1';\n");
    const base = tree.commit('initial');
    tree.push('HEAD:refs/heads/main');
    const first = await pushAndAudit('payments', 'refs/heads/main', ZERO_SHA, base);
    expect(first).toMatchObject({ verdict: 'pass', findings: [] });

    tree.write('src/config.ts', `export const region = 'eu-west-1';\nexport const githubToken = '${plant(token('ghp_', 36))}';\n`);
    tree.write(
      'deploy/db-secret.yaml',
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  password: ${plant(token('', 24))}\n`,
    );
    const leak = tree.commit('configure payments');
    tree.push('HEAD:refs/heads/main');
    const audit = await pushAndAudit('payments', 'refs/heads/main', base, leak);

    expect(audit).toMatchObject({ kind: 'audit.completed', verdict: 'fail', range: { before: base, after: leak }, stats: { commits: 1 } });
    expect(places(audit)).toEqual(expect.arrayContaining(['github-pat src/config.ts:2', 'k8s-plain-secret deploy/db-secret.yaml:7']));
    for (const finding of audit.findings) {
      expect(finding).toMatchObject({ commit: leak, author: expect.stringContaining('Test Author'), triage: 'open' });
      expect(finding.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    }
  }, 120_000);

  it('audits only the new commits of a new branch, and what a force push rewrote', async () => {
    const tree = repoTree('orders');
    tree.write('src/keys.ts', `export const stripe = '${plant(token('sk_live_', 24))}';\n`);
    const main = tree.commit('main with an old leak');
    tree.push('HEAD:refs/heads/main');
    await pushAndAudit('orders', 'refs/heads/main', ZERO_SHA, main);

    tree.git('checkout', '--quiet', '-b', 'feature');
    tree.write('src/feature.ts', `export const slackBot = '${plant(`xoxb-${randomDigits(12)}-${randomDigits(13)}-${token('', 24)}`)}';\n`);
    const feature = tree.commit('feature');
    tree.push('HEAD:refs/heads/feature');
    const branch = await pushAndAudit('orders', 'refs/heads/feature', ZERO_SHA, feature);
    // The main branch's leak is not the new branch's: only the new commit is audited.
    expect(places(branch)).toEqual(['slack-bot-token src/feature.ts:1']);
    expect(branch.stats.commits).toBe(1);

    tree.git('reset', '--quiet', '--hard', main);
    tree.write('src/feature.ts', `export const npm = '${plant(token('npm_', 36))}';\n`);
    const rewritten = tree.commit('feature, rewritten');
    tree.push('--force', 'HEAD:refs/heads/feature');
    const forced = await pushAndAudit('orders', 'refs/heads/feature', feature, rewritten);
    expect(places(forced)).toEqual(['npm-access-token src/feature.ts:1']);
  }, 120_000);

  it('keeps a triaged finding out of the verdict on the next push, even after its line moved', async () => {
    const tree = repoTree('billing');
    const secretLine = `const legacyToken = '${plant(token('ghp_', 36))}';`;
    tree.write('src/legacy.ts', `${secretLine}\nexport {};\n`);
    const first = tree.commit('legacy');
    tree.push('HEAD:refs/heads/main');
    const before = await pushAndAudit('billing', 'refs/heads/main', ZERO_SHA, first);
    const finding = before.findings.find((f) => f.ruleId === 'github-pat');
    expect(finding).toBeDefined();

    const decided = await fetch(`http://127.0.0.1:${service.port}/v1/secrets/triage/${finding!.fingerprint}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'false_positive', reason: 'a revoked test token', by: 'alice' }),
    });
    expect(decided.status).toBe(202);
    await expectEventually(async () => {
      const incident = await fetch(`http://127.0.0.1:${service.port}/v1/secrets/incidents/${finding!.fingerprint}`, {
        headers: { authorization: `Bearer ${apiToken}` },
      });
      expect(((await incident.json()) as { triage?: { state?: string } }).triage?.state).toBe('false_positive');
    });

    // The same secret moves down the file: a new line number, the same fingerprint.
    tree.write('src/legacy.ts', `// moved\n\n\nexport {};\n${secretLine}\n`);
    const moved = tree.commit('move the legacy token');
    tree.push('HEAD:refs/heads/main');
    const after = await pushAndAudit('billing', 'refs/heads/main', first, moved);
    expect(after.findings).toContainEqual(expect.objectContaining({ fingerprint: finding!.fingerprint, line: 5, triage: 'false_positive' }));
    expect(after).toMatchObject({ verdict: 'pass', policy: { suppressed: 1 } });
  }, 120_000);

  it("carries the repository's notify section from the audited commit's .portcullis.yaml, and reports an invalid one without changing the verdict", async () => {
    const tree = repoTree('notify');
    tree.write('README.md', '# notify\n');
    const base = tree.commit('initial');
    tree.push('HEAD:refs/heads/main');
    const plain = await pushAndAudit('notify', 'refs/heads/main', ZERO_SHA, base);
    expect(plain).not.toHaveProperty('repoNotify');

    tree.write('.portcullis.yaml', 'secrets:\n  failOn: medium\nnotify:\n  channel: "#team-notify"\n  mentions: [U024BE7LH]\n  minSeverity: high\n');
    const configured = tree.commit('route our releases');
    tree.push('HEAD:refs/heads/main');
    const valid = await pushAndAudit('notify', 'refs/heads/main', base, configured);
    expect(valid).toMatchObject({
      verdict: 'pass',
      policy: { source: 'repository', failOn: 'medium' },
      repoNotify: { status: 'valid', settings: { channel: '#team-notify', mentions: ['U024BE7LH'], minSeverity: 'high' } },
    });

    tree.write('.portcullis.yaml', 'secrets:\n  failOn: medium\nnotify:\n  chanel: "#team-notify"\n  mentions: ["<!channel>"]\n');
    const typo = tree.commit('typo in the notify section');
    tree.push('HEAD:refs/heads/main');
    const invalid = await pushAndAudit('notify', 'refs/heads/main', configured, typo);
    expect(invalid).toMatchObject({ verdict: 'pass', policy: { source: 'repository', failOn: 'medium' } });
    expect(invalid.repoNotify).toEqual({
      status: 'invalid',
      problems: expect.arrayContaining([
        { path: 'notify.chanel', reason: 'UNKNOWN_KEY' },
        { path: 'notify.mentions[0]', reason: 'INVALID_VALUE' },
      ]),
      problemsTruncated: false,
    });
    expect(JSON.stringify(invalid.repoNotify)).not.toContain('<!channel>');
  }, 120_000);

  it('sweeps the whole history of a repository on request, finding a secret that was added and removed before', async () => {
    const tree = repoTree('legacy');
    tree.write('src/old.ts', `export const token = '${plant(token('ghp_', 36))}';\n`);
    const added = tree.commit('add a token');
    tree.write('src/old.ts', 'export const token = process.env.TOKEN;\n');
    const removed = tree.commit('read it from the environment');
    tree.push('HEAD:refs/heads/main');

    const requested = await fetch(`http://127.0.0.1:${service.port}/v1/secrets/sweeps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ repository: `github/${owner}/legacy`, by: 'alice', reason: 'onboarding' }),
    });
    expect(requested.status).toBe(202);
    const { eventId } = (await requested.json()) as { eventId: string };
    const sweep = await expectEventually(
      async () => {
        const records = await readTopic(kafka, AuditResults.name, { topicPrefix: prefix, idleMs: 300 });
        const record = records.find((r) => r.headers['ce_id'] === `${eventId}:audit-completed`);
        expect(record, `no sweep result yet:\n${service.tail()}`).toBeDefined();
        return JSON.parse(record!.value!.toString()) as AuditCompletedEvent;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(sweep).toMatchObject({ ref: 'refs/heads/main', range: { before: ZERO_SHA, after: removed }, verdict: 'fail', stats: { commits: 2 } });
    expect(sweep.findings).toEqual([expect.objectContaining({ ruleId: 'github-pat', path: 'src/old.ts', line: 1, commit: added })]);
  }, 120_000);

  it('leaves no planted secret in Kafka, Redis or the service output (checked literally and by the engine itself)', async () => {
    expect(planted.length).toBeGreaterThanOrEqual(5);
    const texts: ScannedText[] = [...(await kafkaTexts(kafka, prefix)), ...redisTexts(stack.redisUrl, prefix), { where: 'service output', text: service.rawOutput.join('\n') }];
    expect(texts.find((t) => t.where === 'Redis keys')?.text).toContain(prefix);

    expect(leaksIn(texts, planted), 'places holding a planted secret').toEqual([]);
    // Redis keys (namespace:repository:ref) read as assignments: the engine reads the values only.
    expect(await engineFindings(texts.filter((t) => t.where !== 'Redis keys'), fingerprintKey)).toEqual([]);
  }, 120_000);
});

function randomDigits(length: number): string {
  return Array.from(randomBytes(length), (b) => String(b % 10)).join('');
}
