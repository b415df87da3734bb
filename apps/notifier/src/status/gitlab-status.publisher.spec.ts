import { EXAMPLE_SHA, releaseIdOf } from '@portcullis/contracts';
import { emptyThread } from '@portcullis/notify';
import { startFakeGitLabStatuses, type FakeGitLabStatuses } from '@portcullis/testing/saas';
import { afterEach, describe, expect, it } from 'vitest';
import { type DesiredCommitStatus } from './commit-status.js';
import { PROVIDER_OUTAGE_RETRY_MS, type CommitStatusTarget } from './commit-status.publisher.js';
import { GitLabStatusPublisher } from './gitlab-status.publisher.js';
import { SyncCommitStatuses } from './sync-commit-statuses.use-case.js';

const repository = { provider: 'gitlab' as const, owner: 'acme/platform', name: 'shop-api' };
const target: CommitStatusTarget = { repository, sha: EXAMPLE_SHA, ref: 'refs/heads/main' };
const pending: DesiredCommitStatus = { context: 'portcullis/deploy-staging', state: 'pending', description: 'Waiting for approval' };

describe('GitLabStatusPublisher', () => {
  let fake: FakeGitLabStatuses | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const start = async () => {
    fake = await startFakeGitLabStatuses({ projects: [{ id: 7, path: 'acme/platform/shop-api' }] });
    return { fake, sut: new GitLabStatusPublisher({ url: fake.url, token: fake.token }) };
  };

  it('posts to the URL-encoded project path with PRIVATE-TOKEN, on the branch of the release', async () => {
    const { fake, sut } = await start();

    await expect(sut.publish(target, { ...pending, state: 'success', description: 'Deployed', targetUrl: 'https://p.example.com/r' })).resolves.toBe(
      'published',
    );

    expect(fake.calls[0]?.path).toBe(`/api/v4/projects/acme%2Fplatform%2Fshop-api/statuses/${EXAMPLE_SHA}`);
    expect(fake.calls[0]?.authorized).toBe(true);
    expect(fake.latest('acme/platform/shop-api', EXAMPLE_SHA, 'portcullis/deploy-staging')).toMatchObject({
      status: 'success',
      ref: 'main',
      description: 'Deployed',
      targetUrl: 'https://p.example.com/r',
    });
  });

  it('maps running work to running and failures to failed', async () => {
    const { fake, sut } = await start();

    await sut.publish(target, { ...pending, running: true, description: 'Deploying' });
    expect(fake.latest(7, EXAMPLE_SHA, pending.context)?.status).toBe('running');
    await sut.publish(target, { ...pending, state: 'error', description: 'Not deployed' });
    expect(fake.latest(7, EXAMPLE_SHA, pending.context)?.status).toBe('failed');
  });

  it('takes GitLab refusal to repeat pending or running as already set, not as an error', async () => {
    const { fake, sut } = await start();
    await sut.publish(target, pending);

    await expect(sut.publish(target, { ...pending, description: 'Waiting for image-scan' })).resolves.toBe('already-set');
    await sut.publish(target, { ...pending, running: true });
    await expect(sut.publish(target, { ...pending, running: true, description: 'Deploying step 2' })).resolves.toBe('already-set');
    expect(fake.calls.map((c) => c.status)).toEqual([201, 400, 201, 400]);
  });

  it('does not post a repeated pending status at all when synced through the use case', async () => {
    const { fake } = await start();
    const publisher = new GitLabStatusPublisher({ url: fake.url, token: fake.token });
    const sync = new SyncCommitStatuses({ publisher, links: { releaseUrl: 'https://p.example.com/releases/{releaseId}' } });
    const thread = emptyThread(releaseIdOf(repository, EXAMPLE_SHA));
    if (!thread) throw new Error('invalid release id');

    const first = await sync.execute({ thread });
    const second = await sync.execute({ thread, lastSent: first.sent });

    expect(first.published).toEqual(['portcullis/secrets']);
    expect(second.published).toEqual([]);
    expect(fake.calls).toHaveLength(1);
  });

  it('fails permanently on a bad token, naming GitLab and never the token', async () => {
    const { fake } = await start();
    const sut = new GitLabStatusPublisher({ url: fake.url, token: 'glpat-notthetoken0000' });

    const error = await sut.publish(target, pending).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'BAD_CREDENTIALS', disposition: 'permanent' });
    expect((error as Error).message).toContain('GitLab');
    expect((error as Error).message).not.toContain('glpat-notthetoken0000');
  });

  it('fails permanently for a project the token cannot see, and on validation errors with GitLab message', async () => {
    const { sut } = await start();

    await expect(sut.publish({ ...target, repository: { ...repository, name: 'unknown' } }, pending)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      disposition: 'permanent',
    });
    await expect(sut.publish(target, { ...pending, targetUrl: `https://p.example.com/${'x'.repeat(300)}` })).rejects.toMatchObject({
      code: 'REJECTED',
      disposition: 'permanent',
      message: expect.stringContaining('must be a valid URL') as unknown,
    });
  });

  it('waits for retry-after on 429 and retries on 5xx', async () => {
    const { fake, sut } = await start();
    fake.failNext({ status: 429, retryAfterS: 20 });
    fake.failNext({ status: 503 });

    await expect(sut.publish(target, pending)).rejects.toMatchObject({ code: 'RATE_LIMITED', disposition: 'not-ready', retryAfterMs: 20_000 });
    await expect(sut.publish(target, pending)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', disposition: 'not-ready', retryAfterMs: PROVIDER_OUTAGE_RETRY_MS });
  });
});
