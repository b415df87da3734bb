import { describe, expect, it } from 'vitest';
import { acceptsReload, decideAnnouncement, decideSync } from './vulndb-refresh.decision.js';

const announced = { version: 'sha256:aaa', recordCount: 3, publishedAt: '2025-01-01T00:00:00.000Z' };

describe('vulnerability database refresh decisions', () => {
  it('announces the first build and every build whose version differs from the announced one', () => {
    expect(decideAnnouncement({ version: 'sha256:aaa' }, undefined)).toBe('announce');
    expect(decideAnnouncement({ version: 'sha256:bbb' }, announced)).toBe('announce');
  });

  it('does not announce a build with the announced version again', () => {
    expect(decideAnnouncement({ version: 'sha256:aaa' }, announced)).toBe('unchanged');
  });

  it('reloads only when the announced version is not the one in use', () => {
    expect(decideSync({ version: 'sha256:aaa' }, announced)).toBe('up-to-date');
    expect(decideSync({ version: 'sha256:old' }, undefined)).toBe('up-to-date');
    expect(decideSync({ version: 'sha256:old' }, announced)).toBe('reload');
  });

  it('accepts a reload only when the build has exactly the announced version', () => {
    expect(acceptsReload({ version: 'sha256:aaa' }, announced)).toBe(true);
    expect(acceptsReload({ version: 'sha256:newer' }, announced)).toBe(false);
  });
});
