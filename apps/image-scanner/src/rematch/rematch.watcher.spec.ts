import { describe, expect, it, vi } from 'vitest';
import { RematchWatcher } from './rematch.watcher.js';

function holder(version: string) {
  const db = { version, match: () => ({ findings: [], skipped: [] }) };
  return { db, current: () => db };
}

describe('RematchWatcher', () => {
  it('re-matches once per swapped-in version, not the version loaded at boot', async () => {
    const vulndb = holder('v1');
    const execute = vi.fn(() => Promise.resolve({ outcome: 'done' as const, matched: 0, withoutSbom: 0, changed: 0 }));
    const sut = new RematchWatcher(vulndb, { execute }, { warn: vi.fn() });

    await sut.check();
    expect(execute).not.toHaveBeenCalled();

    vulndb.db.version = 'v2';
    await sut.check();
    await sut.check();
    expect(execute).toHaveBeenCalledTimes(1);
  });

  it('tries a failed version again on the next check', async () => {
    const vulndb = holder('v1');
    const execute = vi.fn().mockRejectedValueOnce(new Error('redis down')).mockResolvedValue({ outcome: 'done', matched: 0, withoutSbom: 0, changed: 0 });
    const sut = new RematchWatcher(vulndb, { execute }, { warn: vi.fn() });

    vulndb.db.version = 'v2';
    await sut.check();
    await sut.check();
    await sut.check();

    expect(execute).toHaveBeenCalledTimes(2);
  });
});
