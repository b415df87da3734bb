import { EXAMPLE_SHA } from '@portcullis/contracts';
import { startFakeGitHubStatuses, type FakeGitHubStatuses } from '@portcullis/testing/saas';
import { afterEach, describe, expect, it } from 'vitest';
import { type DesiredCommitStatus } from './commit-status.js';
import { PROVIDER_OUTAGE_RETRY_MS, type CommitStatusTarget } from './commit-status.publisher.js';
import { GitHubStatusPublisher } from './github-status.publisher.js';

const NOW = Date.UTC(2025, 0, 15, 9, 30);
const target: CommitStatusTarget = { repository: { provider: 'github', owner: 'acme', name: 'shop-api' }, sha: EXAMPLE_SHA };
const passed: DesiredCommitStatus = {
  context: 'portcullis/secrets',
  state: 'success',
  description: 'No secrets found',
  targetUrl: 'https://portcullis.example.com/releases/r1/findings',
};

describe('GitHubStatusPublisher', () => {
  let fake: FakeGitHubStatuses | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const start = async (options: Parameters<typeof startFakeGitHubStatuses>[0] = {}) => {
    fake = await startFakeGitHubStatuses({ now: () => NOW, ...options });
    return { fake, sut: new GitHubStatusPublisher({ apiUrl: `${fake.url}/`, token: fake.token }, { now: () => NOW }) };
  };

  it('creates the status with the versioned API headers, and GitHub shows it on the commit', async () => {
    const { fake, sut } = await start();

    await expect(sut.publish(target, passed)).resolves.toBe('published');

    expect(fake.latest('acme/shop-api', EXAMPLE_SHA, 'portcullis/secrets')).toMatchObject({
      state: 'success',
      description: 'No secrets found',
      targetUrl: 'https://portcullis.example.com/releases/r1/findings',
    });
    expect(fake.calls[0]?.headers).toMatchObject({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' });
  });

  it('fails permanently on a bad token, naming GitHub and never the token', async () => {
    const { fake } = await start();
    const wrongToken = 'ghp_wrongwrongwrongwrongwrongwrong1234';
    const sut = new GitHubStatusPublisher({ apiUrl: fake.url, token: wrongToken });

    const error = await sut.publish(target, passed).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'BAD_CREDENTIALS', disposition: 'permanent', httpStatus: 401 });
    expect(String((error as Error).message)).toContain('GitHub');
    expect(String((error as Error).message)).not.toContain(wrongToken);
  });

  it('waits until the primary rate limit resets when it is exhausted', async () => {
    const { sut } = await start({ rateLimit: { limit: 1, windowS: 3600 } });
    await sut.publish(target, passed);

    const error = await sut.publish(target, { ...passed, state: 'failure' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'RATE_LIMITED', disposition: 'not-ready', retryAfterMs: 3_600_000 });
  });

  it('waits for retry-after on a secondary rate limit, whether 403 or 429', async () => {
    const { fake, sut } = await start();
    fake.failNext({ secondaryRateLimit: 403, retryAfterS: 45 });
    fake.failNext({ secondaryRateLimit: 429, retryAfterS: 5 });

    await expect(sut.publish(target, passed)).rejects.toMatchObject({ disposition: 'not-ready', retryAfterMs: 45_000 });
    await expect(sut.publish(target, passed)).rejects.toMatchObject({ disposition: 'not-ready', retryAfterMs: 5_000 });
  });

  it('fails permanently with GitHub message on a 422 (commit unknown to the repository)', async () => {
    const { sut } = await start({ commits: ['b'.repeat(40)] });

    await expect(sut.publish(target, passed)).rejects.toMatchObject({
      code: 'REJECTED',
      disposition: 'permanent',
      httpStatus: 422,
      message: expect.stringContaining('No commit found for SHA') as unknown,
    });
  });

  it('fails permanently when the repository is not visible to the token (404)', async () => {
    const { sut } = await start({ repos: ['acme/other'] });

    await expect(sut.publish(target, passed)).rejects.toMatchObject({ code: 'NOT_FOUND', disposition: 'permanent' });
  });

  it('retries on 5xx and when GitHub cannot be reached', async () => {
    const { fake: server, sut } = await start();
    server.failNext({ status: 502 });
    await expect(sut.publish(target, passed)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', disposition: 'not-ready', retryAfterMs: PROVIDER_OUTAGE_RETRY_MS });

    const url = server.url;
    await server.close();
    fake = undefined;
    const offline = new GitHubStatusPublisher({ apiUrl: url, token: 'ghp_x' }, { timeoutMs: 2_000 });
    await expect(offline.publish(target, passed)).rejects.toMatchObject({ code: 'PROVIDER_UNREACHABLE', disposition: 'not-ready', retryAfterMs: PROVIDER_OUTAGE_RETRY_MS });
  });
});
