import { describe, expect, it } from 'vitest';
import { ListIncidents, ShowIncident } from './list-incidents.use-case.js';
import { type Incident, type IncidentIndex, type TriageRecord, type TriageStore } from './triage.ports.js';

const now = new Date('2026-06-01T00:00:00Z');
const fp = (n: number) => n.toString(16).padStart(64, '0');
const incident = (n: number): Incident => ({
  fingerprint: fp(n),
  ruleId: 'r',
  severity: 'high',
  firstSeenAt: '2026-05-01T00:00:00Z',
  lastSeenAt: '2026-05-01T00:00:00Z',
  locations: [{ repository: `github/o${n}/svc`, path: 'p', commit: '1'.repeat(40), firstSeenAt: '2026-05-01T00:00:00Z' }],
  locationsTruncated: false,
});
const decision = (n: number, state: TriageRecord['state'], until?: string): TriageRecord => ({
  fingerprint: fp(n),
  state,
  ...(until === undefined ? {} : { until }),
  by: 'x',
  reason: 'y',
  decidedAt: '2026-05-10T00:00:00Z',
  requestId: `r${n}`,
  eventId: `e${n}`,
});

/** In-memory ports: the index pages over `count` incidents in fingerprint order. */
function ports(count: number, decisions: TriageRecord[]) {
  const all = Array.from({ length: count }, (_, i) => incident(i + 1));
  const byFp = new Map(all.map((i) => [i.fingerprint, i]));
  const triageByFp = new Map(decisions.map((d) => [d.fingerprint, d]));
  const incidents: IncidentIndex = {
    record: () => Promise.resolve(),
    find: (f) => Promise.resolve(byFp.get(f)),
    findMany: (fs) => Promise.resolve(new Map(fs.filter((f) => byFp.has(f)).map((f) => [f, byFp.get(f)!]))),
    page: ({ after, limit }) => {
      const rest = all.map((i) => i.fingerprint).filter((f) => after === undefined || f > after);
      const page = rest.slice(0, limit);
      return Promise.resolve(rest.length > limit ? { fingerprints: page, nextCursor: page[page.length - 1]! } : { fingerprints: page });
    },
  };
  const triage: TriageStore = {
    find: (f) => Promise.resolve(triageByFp.get(f)),
    findMany: (fs) => Promise.resolve(new Map(fs.filter((f) => triageByFp.has(f)).map((f) => [f, triageByFp.get(f)!]))),
    apply: () => Promise.resolve(true),
  };
  return { incidents, triage, clock: { now: () => now } };
}

describe('ListIncidents', () => {
  it('filters by the state a finding counts as now, a lapsed acceptance being open', async () => {
    const sut = new ListIncidents(ports(4, [decision(1, 'false_positive'), decision(2, 'accepted', '2026-05-01T00:00:00Z'), decision(3, 'accepted', '2027-01-01T00:00:00Z')]));
    const open = await sut.execute({ state: 'open', limit: 10 });
    expect(open.items.map((i) => i.fingerprint)).toEqual([fp(2), fp(4)]);
    expect(open.items[0]!.triage?.lapsed).toBe(true);
    expect(open.nextCursor).toBeUndefined();
    expect((await sut.execute({ state: 'accepted', limit: 10 })).items.map((i) => i.fingerprint)).toEqual([fp(3)]);
  });

  it('pages with a cursor, each incident once, and no cursor on the last page', async () => {
    const sut = new ListIncidents(ports(250, []));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await sut.execute({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.items.map((item) => item.fingerprint));
      cursor = page.nextCursor;
      if (cursor === undefined) break;
    }
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
  });

  it('stops after a bounded scan when few incidents match, handing back a cursor', async () => {
    const sut = new ListIncidents(ports(6_000, []));
    const page = await sut.execute({ state: 'rotated', limit: 10 });
    expect(page.items).toEqual([]);
    expect(page.nextCursor).toBeDefined();
  });
});

describe('ShowIncident', () => {
  it('shows a triaged fingerprint no audit reported, and nothing for an unknown one', async () => {
    const sut = new ShowIncident(ports(0, [decision(9, 'rotated')]));
    expect(await sut.execute(fp(9))).toMatchObject({ fingerprint: fp(9), state: 'rotated', repositories: [], locations: [] });
    expect(await sut.execute(fp(8))).toBeUndefined();
  });
});
