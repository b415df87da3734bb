import { type RepositoryRef } from '@portcullis/contracts';
import { createRedisClient } from '@portcullis/state';
import { stackEnv, uniquePrefix } from '@portcullis/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type IncidentSighting, type TriageRecord } from '../triage/triage.ports.js';
import { RedisIncidentIndex } from './redis-incident.index.js';
import { RedisRefTipStore } from './redis-ref-tip.store.js';
import { RedisTriageStore } from './redis-triage.store.js';

// Two clients on one prefix stand for two service instances sharing Redis.
const stack = stackEnv();
const prefix = uniquePrefix('auditor-stores');
const clientA = createRedisClient({ url: stack.redisUrl, keyPrefix: prefix, clientName: 'auditor-a' });
const clientB = createRedisClient({ url: stack.redisUrl, keyPrefix: prefix, clientName: 'auditor-b' });
afterAll(async () => {
  await clientA.close();
  await clientB.close();
});

const HOUR = 3_600_000;
const fp = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
const sha = (n: number) => n.toString(16).padStart(40, '0');

describe('RedisTriageStore', () => {
  const decision = (fingerprint: string, n: number, state: TriageRecord['state']): TriageRecord => ({
    fingerprint,
    state,
    by: `user-${n}`,
    reason: `decision ${n}`,
    decidedAt: new Date(Date.UTC(2026, 5, 1, 0, 0, n)).toISOString(),
    requestId: `req-${n}`,
    eventId: `evt-${String(n).padStart(3, '0')}`,
  });

  it('keeps the latest decision whatever order two instances apply them in', async () => {
    const a = new RedisTriageStore(clientA, HOUR);
    const b = new RedisTriageStore(clientB, HOUR);
    const fingerprint = fp(1);
    const decisions = Array.from({ length: 20 }, (_, i) => decision(fingerprint, i + 1, i % 2 === 0 ? 'false_positive' : 'rotated'));
    const shuffled = [...decisions].sort(() => Math.random() - 0.5);

    const results = await Promise.all(shuffled.map((d, i) => (i % 2 === 0 ? a : b).apply(d)));

    expect(results).toContain(true);
    expect(await a.find(fingerprint)).toEqual(decisions[19]);
    // Re-applying an older decision (a replay) changes nothing.
    expect(await b.apply(decisions[3]!)).toBe(false);
    expect(await b.find(fingerprint)).toEqual(decisions[19]);
  });

  it('reads many at once, leaving out the undecided', async () => {
    const sut = new RedisTriageStore(clientA, HOUR);
    await sut.apply(decision(fp(2), 1, 'accepted'));
    const found = await sut.findMany([fp(2), fp(3), fp(2)]);
    expect([...found.keys()]).toEqual([fp(2)]);
    expect(found.get(fp(2))?.state).toBe('accepted');
  });
});

describe('RedisIncidentIndex', () => {
  const repo = (owner: string): RepositoryRef => ({ provider: 'github', owner, name: 'svc' });
  const sighting = (fingerprint: string, owner: string, path: string, seenAt = '2026-06-01T00:00:00.000Z'): IncidentSighting => ({
    fingerprint,
    ruleId: 'aws-access-key',
    severity: 'high',
    repository: repo(owner),
    path,
    commit: sha(1),
    seenAt,
  });

  it('lists every repository of one secret when audits of many repositories report it at once', async () => {
    const a = new RedisIncidentIndex(clientA, { ttlMs: HOUR, maxLocations: 50 });
    const b = new RedisIncidentIndex(clientB, { ttlMs: HOUR, maxLocations: 50 });
    const fingerprint = fp(0x10);
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).record([sighting(fingerprint, `org${i}`, 'config/.env')])));

    const incident = await a.find(fingerprint);
    expect(incident?.locations.map((l) => l.repository).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `github/org${i}/svc`).sort());
    expect(incident?.locationsTruncated).toBe(false);
  });

  it('caps the locations of one fingerprint and says so', async () => {
    const sut = new RedisIncidentIndex(clientA, { ttlMs: HOUR, maxLocations: 3 });
    const fingerprint = fp(0x20);
    await sut.record(Array.from({ length: 5 }, (_, i) => sighting(fingerprint, `o${i}`, 'k.pem', `2026-06-0${i + 1}T00:00:00.000Z`)));
    const incident = await sut.find(fingerprint);
    expect(incident?.locations).toHaveLength(3);
    expect(incident?.locationsTruncated).toBe(true);
    expect(incident?.lastSeenAt).toBe('2026-06-05T00:00:00.000Z');
  });

  it('pages through every fingerprint once, in order, across shards', async () => {
    const client = createRedisClient({ url: stack.redisUrl, keyPrefix: uniquePrefix('auditor-pages'), clientName: 'auditor-pages' });
    try {
      const sut = new RedisIncidentIndex(client, { ttlMs: HOUR, maxLocations: 5 });
      const fingerprints = [0x01, 0x0f, 0x3a, 0x77, 0x80, 0xa1, 0xa2, 0xff].map(fp);
      await Promise.all(fingerprints.map((f, i) => sut.record([sighting(f, `o${i}`, 'a')])));
      // Repeated sightings do not index a fingerprint twice.
      await sut.record([sighting(fingerprints[0]!, 'o0', 'a')]);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await sut.page({ ...(cursor === undefined ? {} : { after: cursor }), limit: 3 });
        seen.push(...page.fingerprints);
        cursor = page.nextCursor;
        if (cursor === undefined) break;
      }
      expect(seen).toEqual([...fingerprints].sort());
    } finally {
      await client.close();
    }
  });
});

describe('RedisRefTipStore', () => {
  const repository: RepositoryRef = { provider: 'gitlab', owner: 'acme/platform', name: 'ledger' };

  it('moves the tip only from the expected value, so racing instances cannot move it backwards', async () => {
    const a = new RedisRefTipStore(clientA, HOUR);
    const b = new RedisRefTipStore(clientB, HOUR);
    const ref = 'refs/heads/main';
    expect(await a.get(repository, ref)).toBeUndefined();
    expect(await a.advance(repository, ref, undefined, sha(1))).toBe(true);

    // Ten instances finished scans that all started from tip 1; exactly one may move it.
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).advance(repository, ref, sha(1), sha(i + 2))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = sha(results.indexOf(true) + 2);
    expect(await b.get(repository, ref)).toBe(winner);

    // A slow instance holding the old expectation cannot put tip 1 back.
    expect(await a.advance(repository, ref, undefined, sha(1))).toBe(false);
    expect(await a.get(repository, ref)).toBe(winner);
  });

  it('clears the tip of a deleted ref only if nobody moved it meanwhile', async () => {
    const sut = new RedisRefTipStore(clientA, HOUR);
    const ref = 'refs/heads/feature/x';
    await sut.advance(repository, ref, undefined, sha(5));
    expect(await sut.clear(repository, ref, sha(4))).toBe(false);
    expect(await sut.clear(repository, ref, sha(5))).toBe(true);
    expect(await sut.get(repository, ref)).toBeUndefined();
    // A re-created ref starts from no tip.
    expect(await sut.advance(repository, ref, undefined, sha(6))).toBe(true);
  });

  it('keeps refs and repositories apart', async () => {
    const sut = new RedisRefTipStore(clientA, HOUR);
    await sut.advance(repository, 'refs/heads/a', undefined, sha(7));
    expect(await sut.get(repository, 'refs/heads/b')).toBeUndefined();
    expect(await sut.get({ ...repository, name: 'other' }, 'refs/heads/a')).toBeUndefined();
  });
});
