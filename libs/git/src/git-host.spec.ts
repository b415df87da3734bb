import { describe, expect, it } from 'vitest';
import { GitError } from './git.error.js';
import { authorizationHeader, cloneUrlFor, nameProblem, ownerProblem, scrubCredentials, secretsOf, type GitHostConfig } from './git-host.js';

const github: GitHostConfig = { baseUrl: 'https://github.com/' };

function codeOfCall(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof GitError ? error.code : 'OTHER';
  }
  return undefined;
}

describe('cloneUrlFor', () => {
  it('joins the configured base URL with owner and name', () => {
    expect(cloneUrlFor(github, 'acme', 'api')).toBe('https://github.com/acme/api.git');
    expect(cloneUrlFor({ baseUrl: 'https://git.example.com/gitlab' }, 'group/sub', 'svc.core')).toBe(
      'https://git.example.com/gitlab/group/sub/svc.core.git',
    );
    expect(cloneUrlFor(github, 'acme', '.github')).toBe('https://github.com/acme/.github.git');
  });

  it.each([
    ['../etc', 'x'],
    ['acme/..', 'x'],
    ['-oupload-pack=sh', 'x'],
    ['acme', '-x'],
    ['acme', 'a/b'],
    ['acme//sub', 'x'],
    ['/acme', 'x'],
    ['acme', 'x.git'],
    ['acme', 'x y'],
    ['acme', 'x?y'],
    ['acme', 'x%2e'],
    ['ac me', 'x'],
    ['acme', ''],
    ['acme', '.'],
    ['acme', 'a'.repeat(101)],
    ['évil', 'x'],
  ])('rejects owner %j / name %j', (owner, name) => {
    expect(codeOfCall(() => cloneUrlFor(github, owner, name))).toBe('INVALID_INPUT');
  });

  it('requires https unless plain http is allowed for the host, and no credentials in the URL', () => {
    expect(codeOfCall(() => cloneUrlFor({ baseUrl: 'http://git.local' }, 'a', 'b'))).toBe('INVALID_CONFIG');
    expect(cloneUrlFor({ baseUrl: 'http://127.0.0.1:8080', allowInsecureHttp: true }, 'a', 'b')).toBe('http://127.0.0.1:8080/a/b.git');
    expect(codeOfCall(() => cloneUrlFor({ baseUrl: 'https://u:p@github.com' }, 'a', 'b'))).toBe('INVALID_CONFIG');
    expect(codeOfCall(() => cloneUrlFor({ baseUrl: 'file:///srv/git', allowInsecureHttp: true }, 'a', 'b'))).toBe('INVALID_CONFIG');
    expect(codeOfCall(() => cloneUrlFor({ baseUrl: 'https://github.com/?x=1' }, 'a', 'b'))).toBe('INVALID_CONFIG');
  });

  it('explains what is wrong with an owner or name', () => {
    expect(ownerProblem('a/b/c')).toBeUndefined();
    expect(ownerProblem('a'.repeat(201))).toMatch(/length/);
    expect(nameProblem('repo.atom')).toMatch(/\.atom/);
  });
});

describe('credentials', () => {
  const host: GitHostConfig = { baseUrl: 'https://github.com', credentials: { username: 'x-access-token', token: 'ghs_SuperSecret123' } };

  it('builds a Basic header and scrubs the token, its encoded form and URL userinfo from text', () => {
    const header = authorizationHeader(host.credentials)!;
    expect(header).toBe(`Basic ${Buffer.from('x-access-token:ghs_SuperSecret123').toString('base64')}`);
    const text = `fatal: https://x:ghs_SuperSecret123@github.com/a/b.git failed; sent ${header}; token ghs_SuperSecret123`;
    const scrubbed = scrubCredentials(text, secretsOf(host));
    expect(scrubbed).not.toContain('ghs_SuperSecret123');
    expect(scrubbed).not.toContain(header.slice(6));
    expect(scrubbed).toContain('https://***@github.com/a/b.git');
  });

  it('has nothing to hide without credentials', () => {
    expect(authorizationHeader(undefined)).toBeUndefined();
    expect(secretsOf(github)).toEqual([]);
    expect(scrubCredentials('Authorization: Bearer abc.def', [])).toBe('Authorization: Bearer ***');
  });
});
