import { describe, expect, it } from 'vitest';
import { classifyFetchFailure, trackingRefOf } from './git-mirror.js';

const url = 'https://git.example.com/acme/api.git';

describe('classifyFetchFailure', () => {
  it.each([
    ["fatal: could not read Username for 'https://git.example.com': terminal prompts disabled", false, 'AUTH_FAILED', 'permanent'],
    ["remote: HTTP Basic: Access denied\nfatal: Authentication failed for 'https://git.example.com/acme/api.git/'", false, 'AUTH_FAILED', 'permanent'],
    ["fatal: repository 'https://git.example.com/acme/api.git/' not found", false, 'REPOSITORY_NOT_FOUND', 'permanent'],
    ['fatal: remote error: upload-pack: not our ref 1234', true, 'RANGE_UNAVAILABLE', 'permanent'],
    ['fatal: remote error: upload-pack: not our ref 1234', false, 'FETCH_FAILED', 'retry'],
    ["fatal: unable to access 'https://git.example.com/acme/api.git/': Could not resolve host", false, 'FETCH_FAILED', 'retry'],
  ])('maps %j (by id: %s) to %s', (stderr, byId, code, disposition) => {
    const sut = classifyFetchFailure(stderr, url, byId);
    expect(sut.code).toBe(code);
    expect(sut.disposition).toBe(disposition);
    expect(sut.message).toContain(url);
  });
});

describe('trackingRefOf', () => {
  it('maps provider branches and tags into the mirror namespace', () => {
    expect(trackingRefOf('refs/heads/feature/x')).toBe('refs/remotes/origin/heads/feature/x');
    expect(trackingRefOf('refs/tags/v1')).toBe('refs/remotes/origin/tags/v1');
    expect(trackingRefOf('refs/pull/1/head')).toBeUndefined();
  });
});
