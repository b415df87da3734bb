import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitHubStatuses, type FakeGitHubStatuses, type FakeGitHubStatusesOptions } from './fake-github-statuses.js';

const SHA = 'a'.repeat(40);

describe('startFakeGitHubStatuses', () => {
  let clock = 1_700_000_000_000;
  let sut: FakeGitHubStatuses;

  const start = async (options: FakeGitHubStatusesOptions = {}) => {
    clock = 1_700_000_000_000;
    sut = await startFakeGitHubStatuses({ now: () => clock, ...options });
  };

  const post = async (body: unknown, { path = `/repos/acme/api/statuses/${SHA}`, auth = `Bearer ${sut.token}` }: { path?: string; auth?: string | null } = {}) => {
    const res = await fetch(`${sut.url}${path}`, {
      method: 'POST',
      headers: { accept: 'application/vnd.github+json', 'content-type': 'application/json', ...(auth === null ? {} : { authorization: auth }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };

  afterEach(async () => {
    await sut.close();
  });

  it('creates a status (201, GitHub response shape) and exposes the latest per repo, sha and case-insensitive context', async () => {
    await start();
    const created = await post({ state: 'pending', context: 'portcullis/secrets', description: 'Scanning', target_url: 'https://portcullis.example/r/1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'pending', context: 'portcullis/secrets', description: 'Scanning', target_url: 'https://portcullis.example/r/1', id: 1 });
    expect(created.headers.get('x-ratelimit-remaining')).toBe('4999');

    await post({ state: 'success', context: 'Portcullis/Secrets' }, { auth: `token ${sut.token}` });
    expect(sut.latest('acme/api', SHA, 'portcullis/secrets')).toMatchObject({ state: 'success', context: 'Portcullis/Secrets' });
    expect(sut.statuses).toHaveLength(2);
    expect(sut.calls[0]).toMatchObject({ method: 'POST /repos/:owner/:repo/statuses/:sha', status: 201, params: { state: 'pending' } });
  });

  it('answers 401 without or with a wrong token', async () => {
    await start();
    expect(await post({ state: 'success' }, { auth: null })).toMatchObject({ status: 401, body: { message: 'Requires authentication' } });
    expect(await post({ state: 'success' }, { auth: 'Bearer ghp_wrong' })).toMatchObject({ status: 401, body: { message: 'Bad credentials' } });
    expect(sut.statuses).toHaveLength(0);
    expect(JSON.stringify(sut.calls)).not.toContain(sut.token);
  });

  it('answers 422 Validation Failed for a bad state, a long description or a non-http target_url', async () => {
    await start();
    const badState = await post({ state: 'cancelled', context: 'portcullis/deploy-prod' });
    expect(badState).toMatchObject({
      status: 422,
      body: { message: 'Validation Failed', errors: [{ resource: 'Status', code: 'custom', field: 'state', message: 'state is not included in the list' }] },
    });
    expect((await post({ state: 'success', description: 'd'.repeat(141) })).body).toMatchObject({
      errors: [{ field: 'description', message: 'description is too long (maximum is 140 characters)' }],
    });
    expect((await post({ state: 'success', description: 'd'.repeat(140) })).status).toBe(201);
    expect((await post({ state: 'success', target_url: 'ftp://x/y' })).body).toMatchObject({ errors: [{ field: 'target_url' }] });
    expect((await post({ context: 'x' })).status).toBe(422);
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ state: 'success' }, { path: '/repos/acme/api/statuses/main' })).body).toMatchObject({ message: 'No commit found for SHA: main' });
    expect(sut.statuses).toHaveLength(1);
  });

  it('counts the primary rate limit and answers 403 with x-ratelimit-remaining 0 when exhausted, until the window resets', async () => {
    await start({ rateLimit: { limit: 2, windowS: 60 } });
    expect((await post({ state: 'pending' })).headers.get('x-ratelimit-remaining')).toBe('1');
    const last = await post({ state: 'pending', context: 'b' });
    expect([last.status, last.headers.get('x-ratelimit-remaining'), last.headers.get('x-ratelimit-used')]).toEqual([201, '0', '2']);

    const refused = await post({ state: 'success' });
    expect(refused.status).toBe(403);
    expect(refused.body['message']).toMatch(/^API rate limit exceeded/);
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBe(1_700_000_000 + 60);
    expect(sut.statuses).toHaveLength(2);

    clock += 60_000;
    expect((await post({ state: 'success' })).status).toBe(201);
  });

  it('simulates a secondary rate limit with retry-after, and 5xx, once each', async () => {
    await start();
    sut.failNext({ secondaryRateLimit: 429, retryAfterS: 30 });
    sut.failNext({ status: 502 });
    const secondary = await post({ state: 'success' });
    expect([secondary.status, secondary.headers.get('retry-after')]).toEqual([429, '30']);
    expect(secondary.body['message']).toMatch(/secondary rate limit/);
    const res = await fetch(`${sut.url}/repos/acme/api/statuses/${SHA}`, { method: 'POST', headers: { authorization: `Bearer ${sut.token}` }, body: '{"state":"success"}' });
    expect(res.status).toBe(502);
    expect((await post({ state: 'success' })).status).toBe(201);
  });

  it('refuses the status beyond the per-sha-and-context maximum, and unknown repositories', async () => {
    await start({ maxStatusesPerContext: 2, repos: ['acme/api'] });
    await post({ state: 'pending', context: 'c' });
    await post({ state: 'pending', context: 'c' });
    expect((await post({ state: 'success', context: 'C' })).body).toMatchObject({ errors: [{ field: 'context' }] });
    expect((await post({ state: 'success', context: 'other' })).status).toBe(201);
    expect((await post({ state: 'success' }, { path: `/repos/acme/secret/statuses/${SHA}` })).status).toBe(404);
  });
  it('fails every create-status call during a failFor window, the failures taking turns, and recovers when it ends', async () => {
    await start();
    sut.failFor(60_000, [{ secondaryRateLimit: 429, retryAfterS: 3 }, { status: 500 }]);
    const limited = await post({ state: 'success', context: 'portcullis/secrets' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    const down = await fetch(`${sut.url}/repos/acme/api/statuses/${SHA}`, { method: 'POST', headers: { authorization: `Bearer ${sut.token}` }, body: '{"state":"success"}' });
    expect(down.status).toBe(500);
    clock += 60_000;
    expect((await post({ state: 'success', context: 'portcullis/secrets' })).status).toBe(201);
    expect(sut.statuses).toHaveLength(1);
    expect(sut.calls.map((c) => c.status)).toEqual([429, 500, 201]);
  });
});
