import { EXAMPLE_SHA } from '@portcullis/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { captureServer } from '../../test/capture-server.js';
import { type DesiredCommitStatus } from './commit-status.js';
import { GiteaStatusPublisher } from './gitea-status.publisher.js';
import { ProviderStatusPublisher } from './provider-status.publisher.js';

const target = { repository: { provider: 'gitea' as const, owner: 'acme', name: 'shop-api' }, sha: EXAMPLE_SHA };
const failed: DesiredCommitStatus = {
  context: 'portcullis/image-scan',
  state: 'failure',
  description: '1 of 1 image fail: 3 critical',
  targetUrl: 'https://p.example.com/r/scans',
};

describe('GiteaStatusPublisher', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('posts the status to /api/v1/repos/:owner/:repo/statuses/:sha with a token authorization', async () => {
    const server = await captureServer(201, { id: 1, status: 'failure' });
    servers.push(server);
    const sut = new GiteaStatusPublisher({ url: `${server.url}/`, token: 'gitea-token-1' });

    await expect(sut.publish(target, failed)).resolves.toBe('published');

    expect(server.requests).toEqual([
      {
        method: 'POST',
        url: `/api/v1/repos/acme/shop-api/statuses/${EXAMPLE_SHA}`,
        headers: expect.objectContaining({ authorization: 'token gitea-token-1', 'content-type': 'application/json' }) as unknown,
        body: { state: 'failure', context: 'portcullis/image-scan', description: '1 of 1 image fail: 3 critical', target_url: 'https://p.example.com/r/scans' },
      },
    ]);
  });

  it('fails permanently on 403 without rate-limit headers, with Gitea message and the echoed token masked', async () => {
    const server = await captureServer(403, { message: 'token gitea-token-1 does not have at least one of required scope(s)' });
    servers.push(server);
    const sut = new GiteaStatusPublisher({ url: server.url, token: 'gitea-token-1' });

    const error = await sut.publish(target, failed).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'BAD_CREDENTIALS', disposition: 'permanent' });
    expect((error as Error).message).toContain('required scope');
    expect((error as Error).message).not.toContain('gitea-token-1');
  });
});

describe('ProviderStatusPublisher', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('uses the host configured for the repository provider, and refuses a provider without one', async () => {
    const github = await captureServer(201, { id: 1 });
    const gitea = await captureServer(201, { id: 1 });
    servers.push(github, gitea);
    const sut = new ProviderStatusPublisher({ github: { apiUrl: github.url, token: 'gh' }, gitea: { url: gitea.url, token: 'gt' } });

    await sut.publish(target, failed);
    await sut.publish({ ...target, repository: { ...target.repository, provider: 'github' } }, failed);

    expect(gitea.requests.map((r) => r.url)).toEqual([`/api/v1/repos/acme/shop-api/statuses/${EXAMPLE_SHA}`]);
    expect(github.requests.map((r) => r.url)).toEqual([`/repos/acme/shop-api/statuses/${EXAMPLE_SHA}`]);
    expect(sut.supports('gitlab')).toBe(false);
    await expect(sut.publish({ ...target, repository: { ...target.repository, provider: 'gitlab' } }, failed)).rejects.toMatchObject({
      code: 'PROVIDER_NOT_CONFIGURED',
      disposition: 'permanent',
    });
  });
});
