import { FastifyAdapter } from '@nestjs/platform-fastify';
import { type RepositoryRef, repositoryKey, type ScanVulnerability } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultImagePolicy } from '../policy/image-policy.schema.js';
import { type VexDocument } from '../policy/openvex.js';
import { type PolicySource, type ResolvedImagePolicy } from '../policy/policy-source.js';
import { type ScanKey, type ScanResultCache } from '../scan/scan-image.ports.js';
import { type CachedScan } from '../scan/scan-report.js';
import { ExportOpenVex } from './export-openvex.use-case.js';
import { scannerRoutesPlugin } from './scanner-routes.plugin.js';

const token = 'scanner-token-0123456789abcdef0123456789';
const auth = { authorization: `Bearer ${token}` };
const digest = `sha256:${'a'.repeat(64)}`;
const commit = 'c'.repeat(40);
const dbVersion = 'osv-2026-06-01';
const now = new Date('2026-06-01T00:00:00Z');

const minimist: ScanVulnerability = { id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm' }, fixedVersion: '1.2.6', severity: 'critical', suppressed: false };
const libssl: ScanVulnerability = { id: 'CVE-2023-5363', aliases: [], package: { name: 'libssl3', version: '3.0.9-1', ecosystem: 'Debian:12' }, fixedVersion: '3.0.11-1', severity: 'high', suppressed: false };

function cachedScan(platform: string): CachedScan {
  return {
    platform,
    vulndbVersion: dbVersion,
    verdict: 'fail',
    counts: { critical: 1, high: 1, medium: 0, low: 0, unknown: 0 },
    vulnerabilities: [minimist, libssl],
    vulnerabilitiesTruncated: false,
    packageCount: 42,
    policy: { source: 'default', failOn: 'high', suppressed: 0 },
  };
}

class InMemoryScanResults implements ScanResultCache {
  readonly entries = new Map<string, CachedScan>();
  get(key: ScanKey): Promise<CachedScan | undefined> {
    return Promise.resolve(this.entries.get(`${key.digest} ${key.platform} ${key.dbVersion}`));
  }
  put(key: ScanKey, scan: CachedScan): Promise<void> {
    this.entries.set(`${key.digest} ${key.platform} ${key.dbVersion}`, scan);
    return Promise.resolve();
  }
}

/** Policies by `provider/owner/name@commit`; unknown ones resolve to the default. */
class InMemoryPolicies implements PolicySource {
  readonly byRelease = new Map<string, ResolvedImagePolicy>();
  failWith: Error | undefined;
  readonly asked: string[] = [];
  policyFor(repository: RepositoryRef, sha: string): Promise<ResolvedImagePolicy> {
    const key = `${repositoryKey(repository)}@${sha}`;
    this.asked.push(key);
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve(this.byRelease.get(key) ?? { policy: defaultImagePolicy(), source: 'default' });
  }
}

describe('GET /v1/images/:digest/openvex', () => {
  let results: InMemoryScanResults;
  let policies: InMemoryPolicies;
  let sut: FastifyAdapter;
  const errors: object[] = [];

  beforeEach(async () => {
    results = new InMemoryScanResults();
    policies = new InMemoryPolicies();
    await results.put({ digest, platform: 'linux/amd64', dbVersion }, cachedScan('linux/amd64'));
    policies.byRelease.set(`github/acme/shop@${commit}`, {
      source: 'repository',
      policy: { ...defaultImagePolicy(), suppressions: [{ id: 'CVE-2021-44906', until: '2026-12-31T23:59:59.000Z', reason: 'only in build tooling', owner: 'team-shop', origin: '.portcullis.yaml' }] },
    });
    sut = new FastifyAdapter();
    await sut.getInstance().register(
      scannerRoutesPlugin({
        apiToken: token,
        defaultPlatform: 'linux/amd64',
        retryAfterSeconds: 7,
        exportOpenVex: new ExportOpenVex({ results, policies, defaultPolicy: { policy: defaultImagePolicy(), source: 'default' }, vulndb: { current: () => ({ version: dbVersion }) }, clock: () => now }),
        logger: { error: (obj) => errors.push(obj) },
      }),
    );
    await sut.getInstance().ready();
  });

  afterEach(async () => {
    await sut.getInstance().close();
  });

  const get = (url: string, headers: Record<string, string> = auth) => sut.getInstance().inject({ method: 'GET', url, headers });

  it('serves the OpenVEX document with the repository policy of the commit: a suppressed finding is not_affected', async () => {
    const res = await get(`/v1/images/${digest}/openvex?repository=github/acme/shop&commit=${commit}&image=ghcr.io/acme/shop`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-portcullis-policy']).toBe('repository');
    expect(policies.asked).toEqual([`github/acme/shop@${commit}`]);
    const doc = res.json<VexDocument>();
    expect(doc['@context']).toBe('https://openvex.dev/ns/v0.2.0');
    expect(doc.statements.map((s) => [s.vulnerability.name, s.status])).toEqual([
      ['GHSA-xvch-5gv4-984h', 'not_affected'],
      ['CVE-2023-5363', 'affected'],
    ]);
    expect(doc.statements[0]).toMatchObject({ impact_statement: 'only in build tooling', justification: 'vulnerable_code_not_in_execute_path' });
    expect(doc.statements[0]!.products[0]!['@id']).toBe(`pkg:oci/shop@${encodeURIComponent(digest)}?repository_url=${encodeURIComponent('ghcr.io/acme/shop')}`);
  });

  it('lists only the suppressed findings with suppressedOnly=true', async () => {
    const res = await get(`/v1/images/${digest}/openvex?repository=github/acme/shop&commit=${commit}&suppressedOnly=true`);
    expect(res.statusCode).toBe(200);
    expect(res.json<VexDocument>().statements.map((s) => [s.vulnerability.name, s.status])).toEqual([['GHSA-xvch-5gv4-984h', 'not_affected']]);
  });

  it('judges by the default policy without a repository, and names the product by digest alone without an image', async () => {
    const res = await get(`/v1/images/${digest}/openvex`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-portcullis-policy']).toBe('default');
    expect(policies.asked).toEqual([]);
    const doc = res.json<VexDocument>();
    expect(doc.statements.map((s) => s.status)).toEqual(['affected', 'affected']);
    expect(doc.statements[0]!.products[0]!['@id']).toBe(`pkg:oci/image@${encodeURIComponent(digest)}`);
  });

  it('answers 404 with a JSON error when the digest was not scanned for that platform under the current database', async () => {
    const other = await get(`/v1/images/sha256:${'b'.repeat(64)}/openvex`);
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ status: 'rejected', code: 'SCAN_NOT_FOUND' });
    expect(other.json<{ message: string }>().message).toContain(dbVersion);
    expect((await get(`/v1/images/${digest}/openvex?platform=linux/arm64`)).statusCode).toBe(404);
    // A result cached under an older database is not served.
    results.entries.clear();
    await results.put({ digest, platform: 'linux/amd64', dbVersion: 'osv-2026-05-01' }, cachedScan('linux/amd64'));
    expect((await get(`/v1/images/${digest}/openvex`)).statusCode).toBe(404);
  });

  it.each([
    ['no header', {}],
    ['another token', { authorization: `Bearer ${token.slice(0, -1)}x` }],
    ['basic auth', { authorization: `Basic ${token}` }],
  ])('answers 401 with %s, before looking anything up', async (_case, headers) => {
    const res = await get(`/v1/images/${digest}/openvex`, headers);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(JSON.stringify(res.json())).not.toContain(token);
  });

  it.each([
    ['a digest that is not sha256', `/v1/images/md5:${'a'.repeat(32)}/openvex`, 'digest'],
    ['an upper-case digest', `/v1/images/sha256:${'A'.repeat(64)}/openvex`, 'digest'],
    ['a malformed platform', `/v1/images/${digest}/openvex?platform=linux`, 'platform'],
    ['an overlong platform', `/v1/images/${digest}/openvex?platform=linux/${'a'.repeat(100)}`, 'platform'],
    ['an unknown provider', `/v1/images/${digest}/openvex?repository=svn/acme/shop&commit=${commit}`, 'repository'],
    ['a repository without owner', `/v1/images/${digest}/openvex?repository=github/shop&commit=${commit}`, 'repository'],
    ['a short commit', `/v1/images/${digest}/openvex?repository=github/acme/shop&commit=abc123`, 'commit'],
    ['a repository without commit', `/v1/images/${digest}/openvex?repository=github/acme/shop`, 'commit'],
    ['a commit without repository', `/v1/images/${digest}/openvex?commit=${commit}`, 'commit'],
    ['a bad suppressedOnly', `/v1/images/${digest}/openvex?suppressedOnly=yes`, 'suppressedOnly'],
    ['a repeated platform', `/v1/images/${digest}/openvex?platform=linux/amd64&platform=linux/arm64`, 'platform'],
    ['an unknown parameter', `/v1/images/${digest}/openvex?verbose=1`, '(root)'],
    ['an image without repository', `/v1/images/${digest}/openvex?image=ghcr.io`, 'image'],
  ])('answers 400 for %s, naming the parameter', async (_case, url, path) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    const body = res.json<{ code: string; issues: { path: string }[] }>();
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.issues.map((i) => i.path)).toContain(path);
    expect(policies.asked).toEqual([]);
  });

  it('answers 503 with Retry-After when the repository policy cannot be read right now', async () => {
    policies.failWith = new PortcullisError({ code: 'GIT_UNAVAILABLE', disposition: 'retry', message: 'git host down' });
    const res = await get(`/v1/images/${digest}/openvex?repository=github/acme/shop&commit=${commit}`);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.json()).toMatchObject({ code: 'POLICY_UNAVAILABLE' });
  });
});
