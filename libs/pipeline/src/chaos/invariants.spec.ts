import { AuditResults, DeployEvents, ScanResults, ScmEvents } from '@portcullis/contracts';
import { type DeadLetter } from '@portcullis/messaging';
import { describe, expect, it } from 'vitest';
import { type ObservedEvent } from '../harness/pipeline-observer.js';
import { type ChaosFacts, checkInvariants, isOutcome } from './invariants.js';
import { poisonMessages } from './poison.js';
import { type ChaosLoadRelease } from './steady-load.js';

const accepted = { accepted: true, attempts: 1, last: '202', acceptedAt: 1 };
const release = (n: number, profile: ChaosLoadRelease['profile'], overrides: Partial<ChaosLoadRelease> = {}): ChaosLoadRelease => ({
  releaseId: `github/acme/app@${String(n).padStart(40, '0')}`,
  profile,
  repository: 'acme/app',
  sha: String(n).padStart(40, '0'),
  sentAt: 1,
  push: accepted,
  ...(profile === 'commit' ? {} : { registry: accepted, build: accepted }),
  ...overrides,
});

let nextId = 0;
const event = (topic: ObservedEvent['topic'], body: Record<string, unknown>, id = `e${nextId++}`): ObservedEvent => ({ topic, id, body: body as unknown as ObservedEvent['body'], seenAt: 10 });
const audit = (releaseId: string, id?: string) => event(AuditResults.name, { kind: 'audit.completed', releaseId, verdict: 'pass' }, id);
const scan = (releaseId: string, verdict = 'pass') => event(ScanResults.name, { kind: 'scan.completed', releaseId, verdict });
const transition = (releaseId: string, sequence: number, to: string, reason: string) =>
  event(DeployEvents.name, { kind: 'release.transition', releaseId, environment: 'staging', sequence, to, reason });

/** A release whose every stage ended well: audit, scan, rolled out once. */
const wellDone = (r: ChaosLoadRelease): ObservedEvent[] => [
  audit(r.releaseId),
  ...(r.profile === 'commit' ? [] : [scan(r.releaseId)]),
  ...(r.profile === 'deploy' ? [transition(r.releaseId, 1, 'deploying', 'RolloutStarted'), transition(r.releaseId, 2, 'succeeded', 'RolloutComplete')] : []),
];

function facts(releases: ChaosLoadRelease[], events: Record<string, ObservedEvent[]>, overrides: Partial<ChaosFacts> = {}): ChaosFacts {
  return {
    releases,
    eventsOf: (id) => events[id] ?? [],
    slackRoots: () => 1,
    deadLetters: [],
    poison: [],
    expectedDeadLetters: [],
    ...overrides,
  };
}

const letter = (overrides: Partial<DeadLetter>): DeadLetter => ({
  offset: '0',
  eventId: undefined,
  type: undefined,
  subject: undefined,
  releaseId: undefined,
  consumerGroup: undefined,
  attempt: 1,
  errorCode: undefined,
  errorReason: undefined,
  failedAt: undefined,
  record: { topic: 'x.dlq', partition: 0, offset: '0', key: undefined, value: null, headers: {}, timestamp: '0' },
  ...overrides,
});

describe('checkInvariants', () => {
  it('passes a run where every release ended once, with one Slack root each', () => {
    const releases = [release(1, 'commit'), release(2, 'image'), release(3, 'deploy')];
    const sut = checkInvariants(facts(releases, Object.fromEntries(releases.map((r) => [r.releaseId, wellDone(r)]))));
    expect(sut.violations).toEqual([]);
    expect(sut.counts).toMatchObject({ pushesAccepted: 3, buildsAccepted: 2, deploying: 1, 'deploy:succeeded': 1 });
  });

  it('reports an accepted push without an audit, a build without a scan and a deploy that never settled', () => {
    const r = release(1, 'deploy');
    const sut = checkInvariants(facts([r], { [r.releaseId]: [transition(r.releaseId, 1, 'waiting', 'WaitingForAudit')] }));
    expect(sut.violations.map((v) => v.detail)).toEqual(['accepted push has no audit outcome', 'accepted build has no scan outcome', 'deploy state not settled: #1 ∅→waiting (WaitingForAudit)']);
  });

  it('counts an audit published twice under one event id once, and twice under two ids as a duplicate outcome', () => {
    const r = release(1, 'commit');
    expect(checkInvariants(facts([r], { [r.releaseId]: [audit(r.releaseId, 'same'), audit(r.releaseId, 'same')] })).violations).toEqual([]);
    const twice = checkInvariants(facts([r], { [r.releaseId]: [audit(r.releaseId, 'a'), audit(r.releaseId, 'b')] }));
    expect(twice.violations).toMatchObject([{ invariant: 'one-final-outcome', detail: '2 audit outcomes with distinct event ids (audit.completed, audit.completed)' }]);
  });

  it('reports a release rolled out twice in one environment', () => {
    const r = release(1, 'deploy');
    const events = [audit(r.releaseId), scan(r.releaseId), transition(r.releaseId, 1, 'deploying', 'RolloutStarted'), transition(r.releaseId, 2, 'deploying', 'RolloutStarted'), transition(r.releaseId, 3, 'succeeded', 'RolloutComplete')];
    expect(checkInvariants(facts([r], { [r.releaseId]: events })).violations).toMatchObject([{ invariant: 'deployed-at-most-once', detail: '2 RolloutStarted transitions (sequences 1, 2)' }]);
  });

  it('reports a missing and a duplicated Slack root, and ignores pushes the intake never accepted', () => {
    const [a, b] = [release(1, 'commit'), release(2, 'commit')];
    const refused = release(3, 'commit', { push: { accepted: false, attempts: 5, last: '503' } });
    const roots: Record<string, number> = { [a.sha]: 0, [b.sha]: 2 };
    const sut = checkInvariants(facts([a, b, refused], { [a.releaseId]: wellDone(a), [b.releaseId]: wellDone(b) }, { slackRoots: (sha) => roots[sha] ?? 0 }));
    expect(sut.violations.map((v) => [v.invariant, v.detail])).toEqual([
      ['one-slack-root', 'no Slack root message'],
      ['one-slack-root', '2 Slack root messages'],
    ]);
    expect(sut.counts).toMatchObject({ pushesRefused: 1 });
  });

  it('reports two different transitions published under one sequence number (a reconcile that lost its record)', () => {
    const r = release(1, 'deploy');
    const events = [audit(r.releaseId), scan(r.releaseId), transition(r.releaseId, 1, 'superseded', 'Superseded'), transition(r.releaseId, 1, 'deploying', 'RolloutStarted'), transition(r.releaseId, 2, 'succeeded', 'RolloutComplete')];
    expect(checkInvariants(facts([r], { [r.releaseId]: events })).violations).toMatchObject([
      { invariant: 'one-final-outcome', detail: 'different transitions under one sequence number: #1 ∅→superseded (Superseded) → #1 ∅→deploying (RolloutStarted) → #2 ∅→succeeded (RolloutComplete)' },
    ]);
  });

  it('keeps a blocked or rolled back release as final but degraded', () => {
    const r = release(1, 'deploy');
    const sut = checkInvariants(facts([r], { [r.releaseId]: [audit(r.releaseId), scan(r.releaseId), transition(r.releaseId, 1, 'blocked', 'ScanFailed')] }));
    expect(sut.violations).toEqual([]);
    expect(sut.degraded).toEqual([`${r.releaseId} (deploy): blocked (ScanFailed)`]);
  });

  it('explains dead letters that are poison (by event id or, without headers, by the marker in the value) and fails a poison some consumer skipped', () => {
    const poison = poisonMessages(1).filter((p) => p.topic === ScmEvents.name);
    const [undecodable, schemaInvalid, headerless] = [poison.find((p) => p.kind === 'undecodable')!, poison.find((p) => p.kind === 'schema-invalid')!, poison.find((p) => p.kind === 'no-headers')!];
    const groups = ScmEvents.consumedBy;
    const deadLetters = [
      ...groups.map((g) => ({ topic: ScmEvents.name, letter: letter({ eventId: undecodable.marker, consumerGroup: g, errorCode: 'BAD_JSON' }) })),
      ...groups.map((g) => ({ topic: ScmEvents.name, letter: letter({ consumerGroup: g, errorCode: 'MISSING_HEADER', record: { ...letter({}).record, value: headerless.value } }) })),
      { topic: ScmEvents.name, letter: letter({ eventId: schemaInvalid.marker, consumerGroup: groups[0], errorCode: 'SCHEMA' }) },
    ];
    const sut = checkInvariants(facts([], {}, { deadLetters, poison }));
    expect(sut.violations).toEqual([
      { invariant: 'nothing-silently-dropped', subject: 'schema-invalid poison on scm.events', detail: `dead-lettered by 1 of its ${groups.length} consumers (${groups.join(', ')})` },
    ]);
    expect(sut.counts['deadLetters:poison']).toBe(5);
  });

  it('fails a dead letter nobody expected, and accepts one a scenario lists', () => {
    const deadLetters = [{ topic: AuditResults.name, letter: letter({ releaseId: 'github/acme/app@1', consumerGroup: 'notifier', errorCode: 'SLACK_FAILED: gave up', errorReason: 'exhausted' }) }];
    expect(checkInvariants(facts([], {}, { deadLetters })).violations).toMatchObject([{ invariant: 'nothing-silently-dropped', subject: 'audit.results.dlq offset 0' }]);
    expect(checkInvariants(facts([], {}, { deadLetters, expectedDeadLetters: [{ errorCode: 'SLACK_FAILED', why: 'the outage outlasted the retries' }] })).violations).toEqual([]);
  });
});

describe('isOutcome', () => {
  it('is an audit or scan result, or a deploy transition into a final state', () => {
    expect(isOutcome(audit('r'))).toBe(true);
    expect(isOutcome(scan('r'))).toBe(true);
    expect(isOutcome(transition('r', 1, 'succeeded', 'RolloutComplete'))).toBe(true);
    expect(isOutcome(transition('r', 1, 'deploying', 'RolloutStarted'))).toBe(false);
    expect(isOutcome(event(ScmEvents.name, { kind: 'push' }))).toBe(false);
  });
});
