import { EXAMPLE_SHA } from '@portcullis/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { captureServer } from '../../test/capture-server.js';
import { BitbucketCloudStatusPublisher, BitbucketDataCenterStatusPublisher } from './bitbucket-status.publishers.js';
import { type DesiredCommitStatus } from './commit-status.js';

const cloudTarget = { repository: { provider: 'bitbucket' as const, owner: 'acme-ws', name: 'shop-api' }, sha: EXAMPLE_SHA };
const dcTarget = { repository: { provider: 'bitbucket-dc' as const, owner: 'SHOP', name: 'shop-api' }, sha: EXAMPLE_SHA };
const deploying: DesiredCommitStatus = {
  context: 'portcullis/deploy-staging',
  state: 'pending',
  running: true,
  description: 'Deploying to staging (rolling)',
  targetUrl: 'https://p.example.com/r/environments/staging',
};
const buildBody = { key: 'portcullis/deploy-staging', state: 'INPROGRESS', name: 'portcullis/deploy-staging', description: 'Deploying to staging (rolling)', url: 'https://p.example.com/r/environments/staging' };

describe('Bitbucket build status publishers', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const serve = async (...args: Parameters<typeof captureServer>) => {
    const server = await captureServer(...args);
    servers.push(server);
    return server;
  };

  it('Cloud: posts the keyed build status with a bearer token', async () => {
    const server = await serve(201, { key: 'portcullis/deploy-staging', state: 'INPROGRESS' });
    const sut = new BitbucketCloudStatusPublisher({ apiUrl: server.url, token: 'bb-access-token' });

    await expect(sut.publish(cloudTarget, deploying)).resolves.toBe('published');

    expect(server.requests).toEqual([
      {
        method: 'POST',
        url: `/2.0/repositories/acme-ws/shop-api/commit/${EXAMPLE_SHA}/statuses/build`,
        headers: expect.objectContaining({ authorization: 'Bearer bb-access-token', 'content-type': 'application/json' }) as unknown,
        body: buildBody,
      },
    ]);
  });

  it('Cloud: sends an app password as Basic with its username, and maps success and error', async () => {
    const server = await serve(201, {});
    const sut = new BitbucketCloudStatusPublisher({ apiUrl: server.url, token: 'app-pass', username: 'portcullis-bot' });

    await sut.publish(cloudTarget, { ...deploying, state: 'success' });
    await sut.publish(cloudTarget, { ...deploying, state: 'error' });

    expect(server.requests[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('portcullis-bot:app-pass').toString('base64')}`);
    expect(server.requests.map((r) => (r.body as { state: string }).state)).toEqual(['SUCCESSFUL', 'FAILED']);
  });

  it('Cloud: refuses a status without a URL (Bitbucket requires one) before calling', async () => {
    const server = await serve(201, {});
    const sut = new BitbucketCloudStatusPublisher({ apiUrl: server.url, token: 't' });
    const { targetUrl: _dropped, ...withoutUrl } = deploying;

    await expect(sut.publish(cloudTarget, withoutUrl)).rejects.toMatchObject({ code: 'REJECTED', disposition: 'permanent' });
    expect(server.requests).toHaveLength(0);
  });

  it('Cloud: a 429 without retry-after waits the default minute; a 400 fails with Bitbucket message', async () => {
    const limited = await serve(429, { type: 'error', error: { message: 'Rate limit for this resource has been exceeded' } });
    const invalid = await serve(400, { type: 'error', error: { message: 'key: Ensure this value has at most 40 characters' } });

    await expect(new BitbucketCloudStatusPublisher({ apiUrl: limited.url, token: 't' }).publish(cloudTarget, deploying)).rejects.toMatchObject({
      disposition: 'not-ready',
      retryAfterMs: 60_000,
    });
    await expect(new BitbucketCloudStatusPublisher({ apiUrl: invalid.url, token: 't' }).publish(cloudTarget, deploying)).rejects.toMatchObject({
      code: 'REJECTED',
      message: expect.stringContaining('at most 40 characters') as unknown,
    });
  });

  it('Data Center: posts to the repository builds resource and accepts 204', async () => {
    const server = await serve(204, undefined);
    const sut = new BitbucketDataCenterStatusPublisher({ url: `${server.url}/`, token: 'bbdc-token' });

    await expect(sut.publish(dcTarget, deploying)).resolves.toBe('published');

    expect(server.requests).toEqual([
      {
        method: 'POST',
        url: `/rest/api/latest/projects/SHOP/repos/shop-api/commits/${EXAMPLE_SHA}/builds`,
        headers: expect.objectContaining({ authorization: 'Bearer bbdc-token', 'content-type': 'application/json' }) as unknown,
        body: buildBody,
      },
    ]);
  });

  it('Data Center: uses the legacy build-status resource when configured, and reports its errors', async () => {
    const server = await serve(204, undefined);
    const legacy = new BitbucketDataCenterStatusPublisher({ url: server.url, token: 'bbdc-token', api: 'legacy' });
    await legacy.publish(dcTarget, { ...deploying, state: 'failure' });
    const refusing = await serve(401, { errors: [{ context: null, message: 'Authentication failed. Please check your credentials and try again.' }] });

    expect(server.requests[0]?.url).toBe(`/rest/build-status/1.0/commits/${EXAMPLE_SHA}`);
    expect(server.requests[0]?.body).toMatchObject({ state: 'FAILED', key: 'portcullis/deploy-staging' });
    await expect(new BitbucketDataCenterStatusPublisher({ url: refusing.url, token: 'x' }).publish(dcTarget, deploying)).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
      message: expect.stringContaining('Authentication failed') as unknown,
    });
  });
});
