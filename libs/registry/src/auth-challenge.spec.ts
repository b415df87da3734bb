import { describe, expect, it } from 'vitest';
import { parseAuthChallenges } from './auth-challenge.js';

describe('parseAuthChallenges', () => {
  it('reads a Docker Hub style bearer challenge with a comma inside a quoted scope', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"';
    expect(parseAuthChallenges(header)).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' } },
    ]);
  });

  it('reads several challenges, unquoted values, escapes and odd spacing', () => {
    const header = 'Basic realm="a \\"quoted\\" realm" ,  Bearer realm=https://t.example/token, error=insufficient_scope';
    expect(parseAuthChallenges(header)).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" realm' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token', error: 'insufficient_scope' } },
    ]);
  });

  it('returns nothing usable for empty or garbage headers', () => {
    expect(parseAuthChallenges(undefined)).toEqual([]);
    expect(parseAuthChallenges('   ')).toEqual([]);
    expect(parseAuthChallenges('"unterminated')).toEqual([]);
  });
});
