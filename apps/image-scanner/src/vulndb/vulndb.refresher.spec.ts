import { type VulndbUpdatedEvent } from '@portcullis/contracts';
import { type Logger } from '@portcullis/observability';
import { type LockLease } from '@portcullis/state';
import { type VulnDb, VulnDbBuilder, VulnDbError } from '@portcullis/vulndb';
import { describe, expect, it, vi } from 'vitest';
import { type AnnouncedVersion } from './vulndb-refresh.decision.js';
import { VulnDbHolder } from './vulndb.holder.js';
import { type LeaderLock, VulnDbRefresher, type VulnDbMetrics } from './vulndb.refresher.js';

function db(...ids: string[]): VulnDb {
  const builder = new VulnDbBuilder();
  for (const id of ids) {
    builder.addJson(JSON.stringify({ id, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, versions: ['1.0.0'] }] }), `${id}.json`);
  }
  return builder.build();
}

class MemoryLock implements LeaderLock {
  holder: string | undefined;
  token = 0;
  constructor(private readonly owner: string) {}
  acquire(name: string): Promise<LockLease | null> {
    if (this.holder !== undefined) return Promise.resolve(null);
    this.holder = this.owner;
    return Promise.resolve({ name, token: ++this.token, ownerId: this.owner, expiresAt: Date.now() + 60_000 });
  }
  extend(lease: LockLease): Promise<LockLease> {
    return Promise.resolve(lease);
  }
  release(): Promise<boolean> {
    this.holder = undefined;
    return Promise.resolve(true);
  }
  isCurrent(_name: string, token: number): Promise<boolean> {
    return Promise.resolve(this.holder === this.owner && token === this.token);
  }
}

const noopLogger = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn(), child: () => noopLogger } as unknown as Logger;

function setup(initial: VulnDb, load: () => Promise<VulnDb>, announced?: AnnouncedVersion) {
  const records = new Map<string, AnnouncedVersion>(announced ? [['announced', announced]] : []);
  const events: VulndbUpdatedEvent[] = [];
  const metrics: VulnDbMetrics = { loaded: vi.fn(), load: vi.fn(), leader: vi.fn(), announced: vi.fn() };
  const holder = new VulnDbHolder(initial);
  const lock = new MemoryLock('me');
  const sut = new VulnDbRefresher({
    holder,
    load,
    lock,
    records: { get: (key) => Promise.resolve(records.get(key)), put: (key, value) => Promise.resolve(void records.set(key, value)) },
    announce: (event) => Promise.resolve(void events.push(event)),
    metrics,
    logger: noopLogger,
    settings: { sourceId: 'osv-test', refreshMs: 3_600_000, pollMs: 10_000, leaseTtlMs: 30_000, recordTtlMs: 86_400_000, retryMs: 60_000 },
    now: () => new Date('2025-02-01T10:00:00Z'),
  });
  return { sut, holder, records, events, metrics, lock };
}

describe('VulnDbRefresher', () => {
  it('does not import while another instance holds the fetcher lease', async () => {
    const load = vi.fn(() => Promise.resolve(db('GHSA-1')));
    const { sut, lock, events } = setup(db('GHSA-1'), load);
    lock.holder = 'someone-else';

    await sut.maintainLease();

    expect(sut.isLeader).toBe(false);
    expect(await sut.refresh()).toBe('not-leader');
    expect(load).not.toHaveBeenCalled();
    expect(events).toEqual([]);
  });

  it('as leader announces a new version per the contract, swaps to it and records it', async () => {
    const next = db('GHSA-1', 'GHSA-2');
    const { sut, holder, records, events } = setup(db('GHSA-1'), () => Promise.resolve(next));

    await sut.maintainLease();

    expect(sut.isLeader).toBe(true);
    expect(holder.current()).toBe(next);
    expect(events).toEqual([
      { kind: 'vulndb.updated', version: next.version, source: 'osv-test', recordCount: 2, sha256: next.version.slice('sha256:'.length), publishedAt: '2025-02-01T10:00:00.000Z' },
    ]);
    expect(records.get('announced')?.version).toBe(next.version);
  });

  it('does not announce a version that was already announced', async () => {
    const same = db('GHSA-1');
    const { sut, events } = setup(same, () => Promise.resolve(db('GHSA-1')), { version: same.version, recordCount: 1, publishedAt: '2025-01-01T00:00:00.000Z' });

    await sut.maintainLease();

    expect(await sut.refresh()).toBe('unchanged');
    expect(events).toEqual([]);
  });

  it('keeps the current database and announces nothing when the source is broken', async () => {
    const good = db('GHSA-1');
    const { sut, holder, events, metrics } = setup(good, () => Promise.reject(new VulnDbError('INVALID_ARCHIVE', 'corrupt zip')));

    await sut.maintainLease();

    expect(await sut.refresh()).toBe('failed');
    expect(holder.current()).toBe(good);
    expect(events).toEqual([]);
    expect(metrics.load).toHaveBeenCalledWith('failed');
  });

  it('follows an announced version only when its own build has exactly that version', async () => {
    const old = db('GHSA-1');
    const announcedDb = db('GHSA-1', 'GHSA-2');
    const announced = { version: announcedDb.version, recordCount: 2, publishedAt: '2025-01-01T00:00:00.000Z' };
    const load = vi.fn(() => Promise.resolve(db('GHSA-1', 'GHSA-2', 'GHSA-3')));
    const { sut, holder } = setup(old, load, announced);

    expect(await sut.sync()).toBe('mismatch');
    expect(holder.current()).toBe(old);
    // The same announced version is not rebuilt on every poll after a mismatch.
    expect(await sut.sync()).toBe('deferred');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('swaps to the announced version when its build matches', async () => {
    const announcedDb = db('GHSA-1', 'GHSA-2');
    const { sut, holder } = setup(db('GHSA-1'), () => Promise.resolve(db('GHSA-2', 'GHSA-1')), {
      version: announcedDb.version,
      recordCount: 2,
      publishedAt: '2025-01-01T00:00:00.000Z',
    });

    expect(await sut.sync()).toBe('swapped');
    expect(holder.current().version).toBe(announcedDb.version);
    expect(await sut.sync()).toBe('up-to-date');
  });
});
