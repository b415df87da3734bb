import { allTopicSpecs, type AuditCompletedEvent, AuditResults, exampleScmPush, ScmEvents, ZERO_SHA } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import {
  createRemoteRepo,
  expectEventually,
  gitServerEnv,
  REPO_ROOT,
  serviceEnv,
  stackEnv,
  startServiceProcess,
  type ServiceProcess,
  uniqueOwner,
  uniquePrefix,
  WorkTree,
} from '@portcullis/testing';
import { loadVulnDbSource } from '@portcullis/vulndb';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The dependency audit through the built service (as a process), the stack's git server, Kafka and
// Redis, matching against libs/vulndb's OSV fixtures (real advisories, trimmed) as its database.
const stack = stackEnv();
const git = gitServerEnv();
const prefix = uniquePrefix('auditor-deps');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'auditor-deps', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const owner = uniqueOwner('deps');
const OSV_DIR = join(REPO_ROOT, 'libs/vulndb/test/fixtures/osv');

let service: ServiceProcess;
const work: WorkTree[] = [];

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

const packageLock = (deps: Record<string, string>) =>
  `${JSON.stringify(
    {
      name: 'web',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'web', version: '1.0.0', dependencies: Object.fromEntries(Object.keys(deps).map((n) => [n, '*'])) },
        ...Object.fromEntries(
          Object.entries(deps).map(([n, v]) => [`node_modules/${n}`, { version: v, resolved: `https://registry.npmjs.org/${n}/-/${n}-${v}.tgz`, integrity: 'sha512-AAAA', license: 'MIT' }]),
        ),
      },
    },
    null,
    2,
  )}\n`;

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
    ...serviceEnv(stack, prefix, 'auditor-deps-1'),
    LOG_LEVEL: 'debug',
    AUDITOR_API_TOKEN: randomBytes(24).toString('hex'),
    SECRETS_FINGERPRINT_KEY: randomBytes(24).toString('hex'),
    GIT_HOST_GITHUB_URL: git.url,
    GIT_HOST_GITHUB_USERNAME: git.user,
    GIT_HOST_GITHUB_TOKEN: git.password,
    GIT_HOSTS_ALLOW_HTTP: 'github',
    SECRETS_SCAN_WORKERS: '1',
    AUDIT_VULNDB_PATH: OSV_DIR,
  });
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await publisher.disconnect().catch(() => undefined);
  for (const tree of work) tree.remove();
});

describe('secret-auditor audits the lockfiles a push changes', () => {
  it('reports a vulnerable pinned version in audit.results, a malformed lockfile as a file error, and does no dependency work for a push without lockfiles', async () => {
    createRemoteRepo(git, owner, 'shop');
    const tree = new WorkTree(git, owner, 'shop');
    work.push(tree);

    tree.write('README.md', '# shop\n');
    const base = tree.commit('initial');
    tree.push('HEAD:refs/heads/main');
    const first = await pushAndAudit('shop', 'refs/heads/main', ZERO_SHA, base);
    expect(first.verdict).toBe('pass');
    expect(first).not.toHaveProperty('dependencies');

    tree.write('web/package-lock.json', packageLock({ minimist: '1.2.5', lodash: '4.17.21' }));
    tree.write('worker/requirements.txt', 'requests==2.31.0\n<<<<<<< HEAD\n');
    const locked = tree.commit('add lockfiles');
    tree.push('HEAD:refs/heads/main');
    const audit = await pushAndAudit('shop', 'refs/heads/main', base, locked);

    const expectedVersion = (await loadVulnDbSource(OSV_DIR, { maxBytes: 1024, timeoutMs: 1000 })).version;
    expect(audit.verdict).toBe('pass'); // informational: the secret gate is unchanged
    expect(audit.dependencies).toMatchObject({
      vulndbVersion: expectedVersion,
      counts: { critical: 1, high: 0, medium: 0, low: 0, unknown: 0 },
      fixableCounts: { critical: 1 },
      filesTruncated: false,
      vulnerabilitiesTruncated: false,
    });
    expect(audit.dependencies?.files.map((f) => [f.path, f.status, f.error?.code, f.packages])).toEqual([
      ['web/package-lock.json', 'audited', undefined, 2],
      ['worker/requirements.txt', 'error', 'UNPARSABLE', 0],
    ]);
    expect(audit.dependencies?.vulnerabilities).toEqual([
      {
        file: 0,
        id: 'GHSA-xvch-5gv4-984h',
        aliases: ['CVE-2021-44906'],
        severity: 'critical',
        package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm', purl: 'pkg:npm/minimist@1.2.5' },
        fixedVersion: '1.2.6',
      },
    ]);

    // The lockfile is still in the repository, but this push does not touch it.
    tree.write('web/src/index.ts', 'export const shop = true;\n');
    const code = tree.commit('code only');
    tree.push('HEAD:refs/heads/main');
    const codeOnly = await pushAndAudit('shop', 'refs/heads/main', locked, code);
    expect(codeOnly.verdict).toBe('pass');
    expect(codeOnly).not.toHaveProperty('dependencies');

    // Bumping the pin to the fixed version clears it.
    tree.write('web/package-lock.json', packageLock({ minimist: '1.2.6', lodash: '4.17.21' }));
    const fixed = tree.commit('bump minimist');
    tree.push('HEAD:refs/heads/main');
    const bumped = await pushAndAudit('shop', 'refs/heads/main', code, fixed);
    expect(bumped.dependencies?.files.map((f) => [f.path, f.status])).toEqual([['web/package-lock.json', 'audited']]);
    expect(bumped.dependencies?.vulnerabilities).toEqual([]);
  }, 180_000);
});
