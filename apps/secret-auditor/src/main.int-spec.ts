import { allTopicSpecs, AuditResults, exampleScmPush, ScmEvents } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import { expectEventually, gitServerEnv, REPO_ROOT, serviceEnv, stackEnv, startServiceProcess, uniqueOwner, uniquePrefix, type ServiceProcess } from '@portcullis/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const stack = stackEnv();
const git = gitServerEnv();
const prefix = uniquePrefix('secret-auditor');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'secret-auditor-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });

// Secrets come from files, as a Kubernetes secret mount would provide them.
const secretsDir = mkdtempSync(join(tmpdir(), 'auditor-secrets-'));
const apiToken = randomBytes(24).toString('hex');
const fingerprintKey = randomBytes(24).toString('hex');
writeFileSync(join(secretsDir, 'token'), `${apiToken}\n`);
writeFileSync(join(secretsDir, 'fingerprint-key'), `${fingerprintKey}\n`);

let service: ServiceProcess | undefined;

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'apps/secret-auditor/tsconfig.lib.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  // The service would create the topics itself. Creating them first keeps this test clear of a
  // race in creating topics (a metadata request right after CreateTopics may answer "does not host
  // this topic-partition"), which is ensureTopics' concern, not what this test is about.
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}, 180_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) service.child.kill('SIGKILL');
  await publisher.disconnect().catch(() => undefined);
});

describe('secret-auditor, built and started as a process', () => {
  it('answers a push for a repository its git host does not have with audit.failed, then stops cleanly on SIGTERM', async () => {
    service = await startServiceProcess('secret-auditor', {
      ...serviceEnv(stack, prefix, 'secret-auditor-int-1'),
      AUDITOR_API_TOKEN_FILE: join(secretsDir, 'token'),
      SECRETS_FINGERPRINT_KEY_FILE: join(secretsDir, 'fingerprint-key'),
      GIT_HOST_GITHUB_URL: git.url,
      GIT_HOST_GITHUB_USERNAME: git.user,
      GIT_HOST_GITHUB_TOKEN: git.password,
      GIT_HOSTS_ALLOW_HTTP: 'github',
      SECRETS_SCAN_WORKERS: '1',
    });
    const { port } = service;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    // The triage API answers only with the token from the file.
    const incidents = `http://127.0.0.1:${port}/v1/secrets/incidents`;
    expect((await fetch(incidents)).status).toBe(401);
    expect((await fetch(incidents, { headers: { authorization: `Bearer ${apiToken}` } })).status).toBe(200);

    await publisher.connect();
    const push = exampleScmPush({ repository: { provider: 'github', owner: uniqueOwner('absent'), name: 'never-created' } });
    // The service has just created the topics; until the broker leads every partition a publish
    // may be refused. Retrying with one event id keeps it one event (consumers deduplicate on it).
    const id = randomUUID();
    await expectEventually(() => publisher.publish(ScmEvents, push, { id }), { timeoutMs: 20_000, intervalMs: 250 });

    const failed = await expectEventually(
      async () => {
        const records = await readTopic(kafka, AuditResults.name, { topicPrefix: prefix, idleMs: 500 });
        const record = records.find((r) => r.headers['ce_id'] === `${id}:audit-failed`);
        expect(record, `no audit.failed yet; service output:\n${service!.tail()}`).toBeDefined();
        return JSON.parse(record!.value!.toString()) as { kind: string; code: string; releaseId: string; message: string };
      },
      { timeoutMs: 60_000 },
    );
    expect(failed).toMatchObject({ kind: 'audit.failed', code: 'REPOSITORY_NOT_FOUND', releaseId: `github/${push.repository.owner}/never-created@${push.after}` });
    expect(failed.message).not.toContain(git.password);
    expect(await scrape(port)).toMatch(/^portcullis_messages_handled_total\{(?=.*topic="scm\.events")(?=.*group="secret-auditor")(?=.*outcome="success").*\} 1$/m);

    const output = service.rawOutput.join('\n');
    for (const secret of [apiToken, fingerprintKey, git.password]) expect(output).not.toContain(secret);
    // The envelope is logged, never body content such as a commit title.
    expect(output).not.toContain(push.commits[0]!.title);

    const stopping = Date.now();
    expect(await service.stop()).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(service.lines.some((l) => l.msg === 'service stopped')).toBe(true);
  }, 150_000);
});
