import { describe, expect, it, vi } from 'vitest';
import { DecideTriage, type DecideTriageCommand } from './decide-triage.use-case.js';
import { type Incident, type IncidentIndex, type TriageCommandBus } from './triage.ports.js';

const FP = 'a'.repeat(64);
const now = new Date('2026-06-01T12:00:00.000Z');
const incident: Incident = {
  fingerprint: FP,
  ruleId: 'aws-access-key',
  severity: 'high',
  firstSeenAt: '2026-05-01T00:00:00Z',
  lastSeenAt: '2026-05-02T00:00:00Z',
  locations: [
    { repository: 'gitlab/acme/platform/ledger', path: '.env', commit: '1'.repeat(40), firstSeenAt: '2026-05-01T00:00:00Z' },
    { repository: 'github/acme/shop', path: '.env', commit: '2'.repeat(40), firstSeenAt: '2026-05-02T00:00:00Z' },
  ],
  locationsTruncated: false,
};

/** `null`: no audit has reported the fingerprint. */
function setup(known: Incident | null = incident) {
  const bus = { publish: vi.fn<TriageCommandBus['publish']>().mockResolvedValue({ eventId: 'evt-1' }) };
  const incidents = { find: vi.fn<IncidentIndex['find']>().mockResolvedValue(known ?? undefined) } as unknown as IncidentIndex;
  const sut = new DecideTriage({ bus, incidents, clock: { now: () => now } });
  return { sut, bus };
}

const command = (overrides: Partial<DecideTriageCommand> = {}): DecideTriageCommand => ({
  requestId: 'req-1',
  fingerprint: FP,
  state: 'false_positive',
  reason: 'example key in docs',
  by: 'alice',
  channel: 'api',
  ...overrides,
});

describe('DecideTriage', () => {
  it('publishes the decision keyed by the first repository the secret was found in, timed now', async () => {
    const { sut, bus } = setup();
    const outcome = await sut.execute(command());
    expect(outcome).toEqual({ status: 'accepted', requestId: 'req-1', eventId: 'evt-1', fingerprint: FP, state: 'false_positive', decidedAt: now.toISOString() });
    expect(bus.publish).toHaveBeenCalledWith({
      requestId: 'req-1',
      fingerprint: FP,
      state: 'false_positive',
      reason: 'example key in docs',
      actor: { source: 'api', id: 'alice', name: 'alice' },
      repository: { provider: 'gitlab', owner: 'acme/platform', name: 'ledger' },
      decidedAt: now,
    });
  });

  it('uses the repository the caller names, also for a fingerprint no audit reported', async () => {
    const { sut, bus } = setup(null);
    await sut.execute(command({ repository: { provider: 'gitea', owner: 'acme', name: 'tools' }, channel: 'cli', state: 'accepted', until: '2026-07-01T00:00:00.000Z' }));
    expect(bus.publish).toHaveBeenCalledWith(expect.objectContaining({ repository: { provider: 'gitea', owner: 'acme', name: 'tools' }, until: '2026-07-01T00:00:00.000Z', actor: expect.objectContaining({ source: 'cli' }) }));
  });

  it('refuses without publishing: until on another state, until in the past, unknown fingerprint without repository', async () => {
    const cases: [Partial<DecideTriageCommand>, Incident | null, string][] = [
      [{ state: 'rotated', until: '2026-07-01T00:00:00Z' }, incident, 'UNTIL_NOT_ALLOWED'],
      [{ state: 'accepted', until: '2026-06-01T12:00:00Z' }, incident, 'UNTIL_IN_PAST'],
      [{}, null, 'REPOSITORY_REQUIRED'],
    ];
    for (const [overrides, known, code] of cases) {
      const { sut, bus } = setup(known);
      expect(await sut.execute(command(overrides))).toMatchObject({ status: 'rejected', code });
      expect(bus.publish).not.toHaveBeenCalled();
    }
  });

  it('lets a publish failure reach the edge (503 there), never answering accepted', async () => {
    const { sut, bus } = setup();
    bus.publish.mockRejectedValue(new Error('broker down'));
    await expect(sut.execute(command())).rejects.toThrow('broker down');
  });
});
