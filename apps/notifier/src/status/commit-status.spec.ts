import {
  EXAMPLE_IMAGE,
  EXAMPLE_RELEASE_ID,
  EXAMPLE_SHA,
  exampleAuditCompleted,
  exampleAuditFailed,
  exampleImageTests,
  exampleRegistryBuildAnnounced,
  exampleReleaseTransition,
  exampleScanCompleted,
  exampleScanFailed,
} from '@portcullis/contracts';
import { emptyThread, foldEvents, type ReleaseThread, type ThreadEvent } from '@portcullis/notify';
import { describe, expect, it } from 'vitest';
import { boundDescription, statusesOf, STATUS_DESCRIPTION_MAX, type CommitStatusLinks } from './commit-status.js';

const links: CommitStatusLinks = {
  releaseUrl: 'https://portcullis.example.com/releases/{releaseId}',
  secretsUrl: 'https://portcullis.example.com/releases/{releaseId}/findings',
  deployUrl: 'https://portcullis.example.com/releases/{releaseId}/environments/{environment}',
};
const releasePath = encodeURIComponent(EXAMPLE_RELEASE_ID);
const ZERO = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
const OTHER_IMAGE = { ...EXAMPLE_IMAGE, repository: 'acme/shop-worker', digest: `sha256:${'5e'.repeat(32)}` };

let n = 0;
const ev = (body: ThreadEvent['body']): ThreadEvent => ({ id: `e${String(++n).padStart(4, '0')}`, time: '2025-01-15T09:30:00.000Z', body });
const threadOf = (...bodies: ThreadEvent['body'][]): ReleaseThread => {
  const thread = foldEvents(bodies.map(ev), emptyThread(EXAMPLE_RELEASE_ID));
  if (!thread) throw new Error('example release id is invalid');
  return thread;
};
const byContext = (thread: ReleaseThread) => Object.fromEntries(statusesOf(thread, links).map((s) => [s.context, s]));
const transition = (environment: string, sequence: number, to: Parameters<typeof exampleReleaseTransition>[0] = {}) =>
  exampleReleaseTransition({ environment, sequence, blocking: undefined, waitingFor: undefined, ...to });

describe('statusesOf', () => {
  it('shows a fresh release as a pending secret audit only, linked to its findings page', () => {
    const sut = statusesOf(threadOf(), links);

    expect(sut).toEqual([
      {
        context: 'portcullis/secrets',
        state: 'pending',
        running: true,
        description: 'Secret audit pending',
        targetUrl: `https://portcullis.example.com/releases/${releasePath}/findings`,
      },
    ]);
  });

  it('passes, fails and errors the secrets gate from the audit verdict', () => {
    const clean = byContext(threadOf(exampleAuditCompleted({ verdict: 'pass', counts: ZERO, findings: [] })));
    const leaky = byContext(threadOf(exampleAuditCompleted({ verdict: 'fail', counts: { ...ZERO, critical: 1, high: 2 } })));
    const broken = byContext(threadOf(exampleAuditFailed({ code: 'CLONE_FAILED' })));

    expect(clean['portcullis/secrets']).toMatchObject({ state: 'success', description: 'No secrets found' });
    expect(leaky['portcullis/secrets']).toMatchObject({ state: 'failure', description: 'Secrets found: 1 critical, 2 high' });
    expect(broken['portcullis/secrets']).toMatchObject({ state: 'error', description: 'Secret audit failed (CLONE_FAILED)' });
  });

  it('keeps the image-scan gate pending until every built image is scanned, then fails on any failing image', () => {
    const build2 = exampleRegistryBuildAnnounced({ image: OTHER_IMAGE });
    const halfway = byContext(threadOf(exampleRegistryBuildAnnounced(), build2, exampleScanCompleted({ verdict: 'pass', counts: ZERO, vulnerabilities: [] })));
    const done = byContext(
      threadOf(
        exampleRegistryBuildAnnounced(),
        build2,
        exampleScanCompleted({ verdict: 'pass', counts: ZERO, vulnerabilities: [] }),
        exampleScanCompleted({ image: OTHER_IMAGE, verdict: 'fail', counts: { ...ZERO, critical: 3 }, vulnerabilities: [] }),
      ),
    );
    const allPass = byContext(threadOf(exampleRegistryBuildAnnounced(), exampleScanCompleted({ verdict: 'pass', counts: ZERO, vulnerabilities: [] })));
    const failedScan = byContext(threadOf(exampleRegistryBuildAnnounced(), exampleScanFailed()));

    expect(halfway['portcullis/image-scan']).toMatchObject({ state: 'pending', description: 'Scanned 1 of 2 images' });
    expect(done['portcullis/image-scan']).toMatchObject({ state: 'failure', description: '1 of 2 images fail: 3 critical' });
    expect(allPass['portcullis/image-scan']).toMatchObject({ state: 'success', description: '1 image passes the vulnerability policy' });
    expect(failedScan['portcullis/image-scan']).toMatchObject({ state: 'error', description: 'Scan failed for 1 of 1 image' });
    // No image-scan template: the release page.
    expect(done['portcullis/image-scan']?.targetUrl).toBe(`https://portcullis.example.com/releases/${releasePath}`);
  });

  it('shows no image-scan status for a release without images, unless an environment waits for one', () => {
    const library = byContext(threadOf(exampleAuditCompleted({ verdict: 'pass', counts: ZERO, findings: [] })));
    const waiting = byContext(threadOf(transition('staging', 1, { from: null, to: 'waiting', waitingFor: ['image-scan'] })));

    expect(library['portcullis/image-scan']).toBeUndefined();
    expect(waiting['portcullis/image-scan']).toMatchObject({ state: 'pending' });
  });

  it('posts portcullis/image-tests only when a scan carries image tests: passed, failed, did not run', () => {
    const scanned = (imageTests: ReturnType<typeof exampleImageTests> | undefined) =>
      byContext(threadOf(exampleRegistryBuildAnnounced(), exampleScanCompleted({ verdict: 'pass', counts: ZERO, vulnerabilities: [], imageTests })));
    const failed = exampleImageTests({
      verdict: 'failed',
      passed: 2,
      failed: 1,
      notRun: 1,
      results: [
        { id: 'content.forbid.shells', kind: 'content', status: 'failed', reason: 'found bin/sh' },
        { id: 'command.version', kind: 'command', status: 'not-run', reason: 'no command runner is configured' },
      ],
    });
    const notRun = exampleImageTests({ verdict: 'incomplete', passed: 3, failed: 0, notRun: 1 });

    expect(scanned(undefined)['portcullis/image-tests']).toBeUndefined();
    expect(scanned(exampleImageTests())['portcullis/image-tests']).toMatchObject({ state: 'success', description: 'All 4 image tests passed' });
    expect(scanned(failed)['portcullis/image-tests']).toMatchObject({ state: 'failure', description: '1 of 4 image tests failed, 1 did not run' });
    expect(scanned(notRun)['portcullis/image-tests']).toMatchObject({ state: 'error', description: '1 image test did not run' });
    expect(scanned(notRun)['portcullis/image-tests']?.targetUrl).toBe(`https://portcullis.example.com/releases/${releasePath}`);
  });

  it('gives each environment its own deploy context with the state of its latest transition', () => {
    const sut = byContext(
      threadOf(
        transition('staging', 1, { from: null, to: 'deploying', strategy: 'rolling' }),
        transition('staging', 2, { from: 'deploying', to: 'succeeded' }),
        transition('production', 1, { from: null, to: 'waiting', waitingFor: ['approval'] }),
        transition('canary', 1, { from: null, to: 'blocked', blocking: { secrets: 1, vulnerabilities: 2, policyViolations: 0, items: [] } }),
      ),
    );

    expect(sut['portcullis/deploy-staging']).toMatchObject({ state: 'success', description: 'Deployed to staging' });
    expect(sut['portcullis/deploy-staging']?.targetUrl).toBe(`https://portcullis.example.com/releases/${releasePath}/environments/staging`);
    expect(sut['portcullis/deploy-production']).toMatchObject({ state: 'pending', description: 'Waiting for approval' });
    expect(sut['portcullis/deploy-canary']).toMatchObject({ state: 'failure', description: 'Blocked: 1 secret, 2 vulnerabilities' });
  });

  it('marks deploying as running, a rollback as failure, and tells a replaced deploy from a never-deployed one', () => {
    const deploying = byContext(threadOf(transition('staging', 1, { from: null, to: 'deploying', strategy: 'blue-green' })));
    const rolledBack = byContext(threadOf(transition('staging', 3, { from: 'succeeded', to: 'rolled_back', message: 'error rate 12%' })));
    const replaced = byContext(threadOf(transition('staging', 3, { from: 'succeeded', to: 'superseded' })));
    const skipped = byContext(threadOf(transition('staging', 2, { from: 'waiting', to: 'superseded' })));

    expect(deploying['portcullis/deploy-staging']).toMatchObject({ state: 'pending', running: true, description: 'Deploying to staging (blue-green)' });
    expect(rolledBack['portcullis/deploy-staging']).toMatchObject({ state: 'failure', description: 'Rolled back: error rate 12%' });
    expect(replaced['portcullis/deploy-staging']?.state).toBe('success');
    expect(skipped['portcullis/deploy-staging']?.state).toBe('error');
  });

  it('keeps every description within GitHub limit of 140 characters, on one line', () => {
    const sut = statusesOf(threadOf(transition('staging', 1, { from: 'deploying', to: 'failed', message: `line one\n${'x'.repeat(400)}` })), links);

    for (const s of sut) {
      expect(s.description.length).toBeLessThanOrEqual(STATUS_DESCRIPTION_MAX);
      expect(s.description).not.toContain('\n');
    }
    expect(boundDescription('y'.repeat(200))).toHaveLength(STATUS_DESCRIPTION_MAX);
  });

  it('leaves the target URL out when a template does not make an http(s) URL, and keeps GitLab subgroups readable', () => {
    const thread: ReleaseThread = { ...threadOf(), repository: { provider: 'gitlab', owner: 'acme/platform', name: 'shop-api' } };

    const bad = statusesOf(thread, { releaseUrl: 'javascript:alert(1)//{sha}' });
    const good = statusesOf(thread, { releaseUrl: 'https://x.example.com/{provider}/{owner}/{name}/-/commit/{sha}' });

    expect(bad[0]?.targetUrl).toBeUndefined();
    expect(good[0]?.targetUrl).toBe(`https://x.example.com/gitlab/acme/platform/shop-api/-/commit/${EXAMPLE_SHA}`);
  });
});
