import { DependencyAudit } from '@portcullis/contracts';
import { loadOsvDirectory, type VulnDb, VulnDbBuilder } from '@portcullis/vulndb';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditDependencies, type ReadLockfileAt } from './audit-dependencies.js';
import { type ChangedLockfile } from './lockfile-changes.js';

// Real advisories (trimmed): minimist GHSA-xvch-5gv4-984h (critical, fixed 1.2.6), lodash
// GHSA-35jh-r3h4-6jhm (high, fixed 4.17.21), requests GHSA-j8r2-6x86-q33q (moderate, fixed
// 2.31.0), log4j-core GHSA-jfh8-c2jp-5v3q (critical, fixed 2.15.0 / 2.12.2 / 2.3.1).
const OSV_FIXTURES = new URL('../../../../libs/vulndb/test/fixtures/osv', import.meta.url).pathname;

let db: VulnDb;
beforeAll(async () => {
  db = await loadOsvDirectory(OSV_FIXTURES);
});

const packageLock = (deps: Record<string, string>) =>
  JSON.stringify({
    name: 'web',
    lockfileVersion: 3,
    packages: { '': { name: 'web' }, ...Object.fromEntries(Object.entries(deps).map(([n, v]) => [`node_modules/${n}`, { version: v }])) },
  });

const nothingToRead: ReadLockfileAt = () => Promise.reject(new Error('no read expected'));

function auditor(options: { now?: () => number; timeBudgetMs?: number; maxFileBytes?: number; database?: VulnDb } = {}) {
  return new AuditDependencies({
    database: { current: () => options.database ?? db },
    now: options.now ?? (() => 0),
    settings: { maxFileBytes: options.maxFileBytes ?? 1024 * 1024, timeBudgetMs: options.timeBudgetMs ?? 30_000 },
  });
}

describe('AuditDependencies', () => {
  it('reports a vulnerable pinned npm package with its advisory, aliases, severity, fix and purl', async () => {
    const sut = auditor();

    const audit = await sut.execute([{ path: 'web/package-lock.json', format: 'package-lock', content: packageLock({ minimist: '1.2.5', lodash: '4.17.21' }) }], nothingToRead);

    expect(audit.vulndbVersion).toBe(db.version);
    expect(audit.files).toHaveLength(1);
    expect(audit.files[0]).toMatchObject({ path: 'web/package-lock.json', status: 'audited', packages: 2, counts: { critical: 1, high: 0 } });
    expect(audit.vulnerabilities).toEqual([
      {
        file: 0,
        id: 'GHSA-xvch-5gv4-984h',
        aliases: ['CVE-2021-44906'],
        severity: 'critical',
        package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm', purl: 'pkg:npm/minimist@1.2.5' },
        fixedVersion: '1.2.6',
      },
    ]);
    expect(audit.counts).toEqual({ critical: 1, high: 0, medium: 0, low: 0, unknown: 0 });
    expect(audit.fixableCounts).toEqual(audit.counts);
    expect(DependencyAudit.safeParse(audit).success).toBe(true);
  });

  it('reads the other formats from the commit, most severe first, and names Maven packages group:artifact', async () => {
    const files: Record<string, string> = {
      'api/pom.xml': `<project><dependencies><dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>2.14.1</version></dependency></dependencies></project>`,
      'worker/requirements.txt': 'requests==2.19.0\nflask>=2\n',
      'ui/yarn.lock': '# yarn lockfile v1\n\nlodash@^4.17.0:\n  version "4.17.20"\n',
    };
    const read: ReadLockfileAt = (path) => Promise.resolve(files[path] === undefined ? { kind: 'missing' } : { kind: 'found', content: files[path]! });
    const changed: ChangedLockfile[] = [
      { path: 'api/pom.xml', format: 'pom' },
      { path: 'ui/yarn.lock', format: 'yarn-lock' },
      { path: 'worker/requirements.txt', format: 'requirements' },
    ];

    const audit = await auditor().execute(changed, read);

    const summary = audit.vulnerabilities.map((v) => `${audit.files[v.file]!.path}: ${v.id} ${v.severity} ${v.package.purl} → ${v.fixedVersion}`);
    expect(summary).toEqual([
      'api/pom.xml: GHSA-jfh8-c2jp-5v3q critical pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1 → 2.15.0',
      'ui/yarn.lock: GHSA-35jh-r3h4-6jhm high pkg:npm/lodash@4.17.20 → 4.17.21',
      'worker/requirements.txt: GHSA-j8r2-6x86-q33q medium pkg:pypi/requests@2.19.0 → 2.31.0',
    ]);
    expect(audit.vulnerabilities[0]!.package.name).toBe('org.apache.logging.log4j:log4j-core');
    expect(audit.files.map((f) => f.counts.critical + f.counts.high + f.counts.medium)).toEqual([1, 1, 1]);
    expect(audit.files[2]).toMatchObject({ unpinned: 1, unpinnedNames: ['flask'] });
    expect(audit.counts).toEqual({ critical: 1, high: 1, medium: 1, low: 0, unknown: 0 });
  });

  it('turns an unreadable lockfile into an error entry and still audits the others', async () => {
    const read: ReadLockfileAt = (path) =>
      Promise.resolve(
        path === 'big/go.sum'
          ? { kind: 'too-large' }
          : path === 'gone/poetry.lock'
            ? { kind: 'missing' }
            : path === 'lfs/yarn.lock'
              ? { kind: 'found', content: 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n' }
              : { kind: 'found', content: '[[package]]\nname = "requests\n' },
      );
    const changed: ChangedLockfile[] = [
      { path: 'a/package-lock.json', format: 'package-lock', content: '{"packages": {' },
      { path: 'b/package-lock.json', format: 'package-lock', content: packageLock({ minimist: '1.2.0' }) },
      { path: 'big/go.sum', format: 'go-sum' },
      { path: 'broken/poetry.lock', format: 'poetry-lock' },
      { path: 'gone/poetry.lock', format: 'poetry-lock' },
      { path: 'lfs/yarn.lock', format: 'yarn-lock' },
    ];

    const audit = await auditor().execute(changed, read);

    expect(audit.files.map((f) => [f.path, f.status, f.error?.code])).toEqual([
      ['a/package-lock.json', 'error', 'UNPARSABLE'],
      ['b/package-lock.json', 'audited', undefined],
      ['big/go.sum', 'error', 'TOO_LARGE'],
      ['broken/poetry.lock', 'error', 'UNPARSABLE'],
      ['lfs/yarn.lock', 'error', 'LFS_POINTER'],
    ]);
    expect(audit.vulnerabilities.map((v) => [v.file, v.id])).toEqual([[1, 'GHSA-xvch-5gv4-984h']]);
    expect(DependencyAudit.safeParse(audit).success).toBe(true);
  });

  it('refuses a lockfile over the per-file limit even when the listing already holds it', async () => {
    const audit = await auditor({ maxFileBytes: 1024 }).execute([{ path: 'package-lock.json', format: 'package-lock', content: packageLock({ minimist: '1.2.5', pad: 'x'.repeat(2000) }) }], nothingToRead);
    expect(audit.files[0]).toMatchObject({ status: 'error', error: { code: 'TOO_LARGE' } });
  });

  it('reports lockfiles not started within the time budget as TIME_BUDGET', async () => {
    let clock = 0;
    const read: ReadLockfileAt = () => {
      clock += 600; // each read "takes" 600 ms
      return Promise.resolve({ kind: 'found', content: 'requests==2.19.0\n' });
    };
    const changed: ChangedLockfile[] = ['a', 'b', 'c'].map((d) => ({ path: `${d}/requirements.txt`, format: 'requirements' }));

    const audit = await auditor({ now: () => clock, timeBudgetMs: 1000 }).execute(changed, read);

    expect(audit.files.map((f) => f.error?.code ?? f.status)).toEqual(['audited', 'audited', 'TIME_BUDGET']);
  });

  it('audits at most 25 lockfiles and says so', async () => {
    const changed: ChangedLockfile[] = Array.from({ length: 26 }, (_, i) => ({ path: `p${String(i).padStart(2, '0')}/requirements.txt`, format: 'requirements', content: 'flask==3.0.0\n' }));
    const audit = await auditor().execute(changed, nothingToRead);
    expect(audit.files).toHaveLength(25);
    expect(audit.filesTruncated).toBe(true);
  });

  it('lists at most 100 advisories over all files, most severe first, while counts keep them all', async () => {
    const builder = new VulnDbBuilder();
    for (let i = 0; i < 120; i++) {
      const severity = i % 2 === 0 ? 'LOW' : 'CRITICAL';
      builder.addJson(
        JSON.stringify({ id: `GHSA-test-${String(i).padStart(4, '0')}`, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: `pkg${i}` }, versions: ['1.0.0'] }], database_specific: { severity } }),
        `${i}.json`,
      );
    }
    const deps = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`pkg${i}`, '1.0.0']));

    const audit = await auditor({ database: builder.build() }).execute([{ path: 'package-lock.json', format: 'package-lock', content: packageLock(deps) }], nothingToRead);

    expect(audit.counts).toMatchObject({ critical: 60, low: 60 });
    expect(audit.vulnerabilities).toHaveLength(100);
    expect(audit.vulnerabilitiesTruncated).toBe(true);
    expect(audit.vulnerabilities.slice(0, 60).every((v) => v.severity === 'critical')).toBe(true);
    expect(DependencyAudit.safeParse(audit).success).toBe(true);
  });

  it('counts a package whose version does not parse as unchecked, never as clean', async () => {
    const builder = new VulnDbBuilder();
    builder.addJson(
      JSON.stringify({ id: 'GO-2099-0001', modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Go', name: 'example.com/mod' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.0' }] }] }] }),
      'GO-2099-0001.json',
    );
    const sut = auditor({ database: builder.build() });

    const audit = await sut.execute(
      [{ path: 'go.sum', format: 'go-sum', content: 'example.com/mod v1.1.0 h1:abc=\nexample.com/mod vfoo h1:abc=\n' }],
      nothingToRead,
    );

    expect(audit.files[0]).toMatchObject({ packages: 2, unchecked: 1 });
    expect(audit.vulnerabilities.map((v) => `${v.package.purl} ${v.fixedVersion}`)).toEqual(['pkg:golang/example.com/mod@v1.1.0 1.2.0']);
  });
});
