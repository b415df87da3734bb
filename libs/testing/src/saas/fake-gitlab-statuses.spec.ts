import { afterEach, describe, expect, it } from 'vitest';
import { startFakeGitLabStatuses, type FakeGitLabStatuses, type FakeGitLabStatusesOptions } from './fake-gitlab-statuses.js';

const SHA = 'b'.repeat(40);

describe('startFakeGitLabStatuses', () => {
  let sut: FakeGitLabStatuses;

  const start = async (options: FakeGitLabStatusesOptions = {}) => {
    sut = await startFakeGitLabStatuses(options);
  };

  const post = async (project: string, body: Record<string, unknown>, headers: Record<string, string> = { 'private-token': sut.token }) => {
    const res = await fetch(`${sut.url}/api/v4/projects/${project}/statuses/${SHA}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  afterEach(async () => {
    await sut.close();
  });

  it('accepts a URL-encoded group/project path and the numeric id of the same project', async () => {
    await start({ projects: [{ id: 42, path: 'platform/api' }] });
    const created = await post(encodeURIComponent('platform/api'), { state: 'pending', name: 'portcullis/secrets', target_url: 'https://portcullis.example/r/1' });
    expect(created).toMatchObject({ status: 201, body: { status: 'pending', name: 'portcullis/secrets', sha: SHA, ref: 'main', target_url: 'https://portcullis.example/r/1' } });

    expect((await post('42', { state: 'success', name: 'portcullis/secrets' }, { authorization: `Bearer ${sut.token}` })).status).toBe(201);
    expect(sut.latest('platform/api', SHA, 'portcullis/secrets')).toMatchObject({ projectId: 42, status: 'success' });
    expect(sut.statuses).toHaveLength(1);
    expect(sut.calls[0]).toMatchObject({ method: 'POST /api/v4/projects/:id/statuses/:sha', path: `/api/v4/projects/platform%2Fapi/statuses/${SHA}` });

    // Unencoded, the path is another route; an unknown project is not found.
    expect((await post('platform/api', { state: 'success' })).status).toBe(404);
    expect(await post(encodeURIComponent('platform/web'), { state: 'success' })).toEqual({ status: 404, body: { message: '404 Project Not Found' } });
  });

  it('answers 401 without or with a wrong token', async () => {
    await start();
    expect(await post('1', { state: 'success' }, {})).toEqual({ status: 401, body: { message: '401 Unauthorized' } });
    expect((await post('1', { state: 'success' }, { 'private-token': 'glpat-wrong' })).status).toBe(401);
    expect(sut.statuses).toHaveLength(0);
    expect(JSON.stringify(sut.calls)).not.toContain(sut.token);
  });

  it('answers 400 for a missing or invalid state and an invalid target_url', async () => {
    await start();
    expect(await post('1', { name: 'x' })).toEqual({ status: 400, body: { error: 'state is missing' } });
    expect(await post('1', { state: 'failure' })).toEqual({ status: 400, body: { error: 'state does not have a valid value' } });
    expect((await post('1', { state: 'success', target_url: 'not a url' })).status).toBe(400);
    expect(sut.statuses).toHaveLength(0);
  });

  it("follows GitLab's state machine: pending twice is refused, a finished status starts a new one", async () => {
    await start();
    expect((await post('1', { state: 'pending', context: 'portcullis/deploy-prod' })).status).toBe(201);
    expect(await post('1', { state: 'pending', context: 'portcullis/deploy-prod' })).toEqual({
      status: 400,
      body: { message: 'Cannot transition status via :enqueue from :pending (Reason(s): Status cannot transition via "enqueue")' },
    });
    expect((await post('1', { state: 'running', context: 'portcullis/deploy-prod' })).body).toMatchObject({ status: 'running' });
    expect((await post('1', { state: 'running', context: 'portcullis/deploy-prod' })).status).toBe(400);
    expect((await post('1', { state: 'success', context: 'portcullis/deploy-prod' })).status).toBe(201);
    expect(sut.statuses).toHaveLength(1);

    expect((await post('1', { state: 'pending', context: 'portcullis/deploy-prod' })).status).toBe(201);
    expect(sut.statuses.map((s) => s.status)).toEqual(['success', 'pending']);
    expect((await post('1', { state: 'running', name: 'other' })).body).toMatchObject({ status: 'running' });
  });

  it('accepts parameters as a form body too, and injected failures once', async () => {
    await start();
    sut.failNext({ status: 429, retryAfterS: 5 });
    const limited = await fetch(`${sut.url}/api/v4/projects/7/statuses/${SHA}?state=success`, { method: 'POST', headers: { 'private-token': sut.token } });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '5']);
    const res = await fetch(`${sut.url}/api/v4/projects/7/statuses/${SHA}`, {
      method: 'POST',
      headers: { 'private-token': sut.token, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'state=success&name=portcullis%2Fimage-scan&description=clean',
    });
    expect(res.status).toBe(201);
    expect(sut.latest(7, SHA, 'portcullis/image-scan')).toMatchObject({ status: 'success', description: 'clean' });
  });
});
