import { describe, expect, it } from 'vitest';
import { LockfileChanges } from './lockfile-changes.js';

describe('LockfileChanges', () => {
  it('keeps lockfiles in path order, with the whole content the listing carried for manifests', () => {
    const sut = new LockfileChanges();

    sut.observe({ kind: 'lines', commit: 'c1', author: 'a', path: 'svc/yarn.lock', lines: [{ line: 1, text: 'x' }] });
    sut.observe({ kind: 'lines', commit: 'c1', author: 'a', path: 'src/index.ts', lines: [{ line: 1, text: 'x' }] });
    sut.observe({ kind: 'skipped', path: 'big/go.sum', reason: 'TOO_LARGE' });
    sut.observe({ kind: 'lines', commit: 'c1', author: 'a', path: 'web/package-lock.json', lines: [{ line: 3, text: '"x"' }] });
    sut.observe({ kind: 'manifest', commit: 'c2', author: 'a', path: 'web/package-lock.json', content: '{"lockfileVersion":3}' });
    sut.observe({ kind: 'manifest', commit: 'c2', author: 'a', path: 'deploy/app.yaml', content: 'kind: Deployment' });

    expect(sut.size).toBe(3);
    expect(sut.list()).toEqual([
      { path: 'big/go.sum', format: 'go-sum' },
      { path: 'svc/yarn.lock', format: 'yarn-lock' },
      { path: 'web/package-lock.json', format: 'package-lock', content: '{"lockfileVersion":3}' },
    ]);
  });

  it('notes nothing for a range without lockfiles', () => {
    const sut = new LockfileChanges();
    sut.observe({ kind: 'lines', commit: 'c1', author: 'a', path: 'README.md', lines: [{ line: 1, text: 'x' }] });
    expect(sut.size).toBe(0);
  });
});
