import { AuditResults, DeployEvents, ScanResults, type ReleaseTransitionEvent } from '@portcullis/contracts';
import { type DeadLetter } from '@portcullis/messaging';
import { type ObservedEvent, SETTLED_STATES } from '../harness/pipeline-observer.js';
import { type PoisonMessage, poisonOf } from './poison.js';
import { CHAOS_ENVIRONMENT, type ChaosLoadRelease } from './steady-load.js';

/** A dead letter with the main topic it was listed under. */
export interface ListedDeadLetter {
  readonly topic: string;
  readonly letter: DeadLetter;
}

/** A kind of dead letter a scenario expects (e.g. a handler giving up while its dependency was down), with the reason why. */
export interface ExpectedDeadLetter {
  /** Matches the entry's `errorCode` (exactly, or as the part before `:`). */
  readonly errorCode: string;
  readonly why: string;
}

/** What the invariants are checked against, gathered after the run settled. */
export interface ChaosFacts {
  readonly releases: readonly ChaosLoadRelease[];
  /** Every event of a release (all topics), as the observer read them. */
  readonly eventsOf: (releaseId: string) => readonly ObservedEvent[];
  /** Root messages posted for a commit (every channel). */
  readonly slackRoots: (sha: string) => number;
  readonly deadLetters: readonly ListedDeadLetter[];
  readonly poison: readonly PoisonMessage[];
  readonly expectedDeadLetters: readonly ExpectedDeadLetter[];
}

/** One broken invariant. */
export interface Violation {
  readonly invariant: 'one-final-outcome' | 'one-slack-root' | 'deployed-at-most-once' | 'nothing-silently-dropped';
  readonly subject: string;
  readonly detail: string;
}

export interface InvariantReport {
  readonly violations: readonly Violation[];
  /** Counts for the report: accepted deliveries, outcomes by kind, dead letters by explanation. */
  readonly counts: Readonly<Record<string, number>>;
  /** Outcomes that are final but show the fault (audit.failed, scan.failed, blocked, failed, rolled_back): reported, not violations. */
  readonly degraded: readonly string[];
}

/** States a deploying release may end the run in: settled, or `blocked` by a gate (waiting for a human or a new input). */
const FINAL_DEPLOY_STATES: ReadonlySet<string> = new Set([...SETTLED_STATES, 'blocked']);

const showTransition = (t: ReleaseTransitionEvent) => `#${t.sequence} ${t.from ?? '∅'}→${t.to} (${t.reason})`;

const distinct = (events: readonly ObservedEvent[]) => [...new Map(events.map((e) => [e.id, e])).values()];

/** The final-outcome events of a release: its audit, its scans, and its deploy transitions. */
export function outcomesOf(events: readonly ObservedEvent[]) {
  const unique = distinct(events);
  const audits = unique.filter((e) => e.topic === AuditResults.name && (e.body.kind === 'audit.completed' || e.body.kind === 'audit.failed'));
  const scans = unique.filter((e) => e.topic === ScanResults.name && (e.body.kind === 'scan.completed' || e.body.kind === 'scan.failed'));
  // Every distinct transition event, by sequence: a re-published copy keeps its ce_id (counted
  // once), while two different events under one sequence number both show.
  const transitions = unique
    .filter((e) => e.topic === DeployEvents.name && e.body.kind === 'release.transition' && (e.body as ReleaseTransitionEvent).environment === CHAOS_ENVIRONMENT)
    .map((e) => e.body as ReleaseTransitionEvent)
    .sort((a, b) => a.sequence - b.sequence);
  return { audits, scans, transitions };
}

/** Whether an event is a final outcome of some stage (what "recovered" waits for). */
export function isOutcome(event: ObservedEvent): boolean {
  const kind = event.body.kind;
  if (kind === 'audit.completed' || kind === 'audit.failed' || kind === 'scan.completed' || kind === 'scan.failed') return true;
  return kind === 'release.transition' && FINAL_DEPLOY_STATES.has((event.body as ReleaseTransitionEvent).to);
}

/**
 * The fault-tolerance invariants of issue 8 over one run: every accepted webhook has exactly one
 * final outcome (an audit per push, a scan per build, a settled deploy state per deploying
 * release); one Slack root per release; no release rolled out twice in an environment; and every
 * dead letter explained (each poison message dead-lettered by every consumer of its topic, nothing
 * else unless a scenario expects it).
 */
export function checkInvariants(facts: ChaosFacts): InvariantReport {
  const violations: Violation[] = [];
  const degraded: string[] = [];
  const counts: Record<string, number> = { releases: facts.releases.length, pushesAccepted: 0, pushesRefused: 0, buildsAccepted: 0, deploying: 0 };
  const bump = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);

  for (const release of facts.releases) {
    const subject = `${release.releaseId} (${release.profile})`;
    if (!release.push.accepted) {
      bump('pushesRefused');
      continue;
    }
    bump('pushesAccepted');
    const { audits, scans, transitions } = outcomesOf(facts.eventsOf(release.releaseId));

    if (audits.length === 0) violations.push({ invariant: 'one-final-outcome', subject, detail: 'accepted push has no audit outcome' });
    if (audits.length > 1) violations.push({ invariant: 'one-final-outcome', subject, detail: `${audits.length} audit outcomes with distinct event ids (${audits.map((a) => a.body.kind).join(', ')})` });
    for (const a of audits) if (a.body.kind === 'audit.failed') degraded.push(`${subject}: audit.failed`);

    const built = release.build?.accepted === true;
    if (built) {
      bump('buildsAccepted');
      if (scans.length === 0) violations.push({ invariant: 'one-final-outcome', subject, detail: 'accepted build has no scan outcome' });
      const verdicts = new Set(scans.map((s) => (s.body.kind === 'scan.failed' ? 'failed' : String((s.body as { verdict?: string }).verdict))));
      if (verdicts.size > 1) violations.push({ invariant: 'one-final-outcome', subject, detail: `scan outcomes disagree: ${[...verdicts].join(' vs ')}` });
      for (const s of scans) if (s.body.kind === 'scan.failed') degraded.push(`${subject}: scan.failed`);
    }

    if (release.profile === 'deploy' && built) {
      bump('deploying');
      const last = transitions.at(-1);
      if (!last || !FINAL_DEPLOY_STATES.has(last.to)) {
        violations.push({ invariant: 'one-final-outcome', subject, detail: `deploy state not settled: ${transitions.map(showTransition).join(' → ') || 'no transition'}` });
      } else {
        bump(`deploy:${last.to}`);
        if (last.to !== 'succeeded' && last.to !== 'superseded') degraded.push(`${subject}: ${last.to} (${last.reason})`);
      }
      const rollouts = [...new Set(transitions.filter((t) => t.reason === 'RolloutStarted').map((t) => t.sequence))];
      if (rollouts.length > 1) {
        violations.push({ invariant: 'deployed-at-most-once', subject, detail: `${rollouts.length} RolloutStarted transitions (sequences ${rollouts.join(', ')})` });
      }
      const sequences = transitions.map((t) => t.sequence);
      if (new Set(sequences).size !== sequences.length) {
        violations.push({ invariant: 'one-final-outcome', subject, detail: `different transitions under one sequence number: ${transitions.map(showTransition).join(' → ')}` });
      }
    }

    const roots = facts.slackRoots(release.sha);
    if (roots !== 1) violations.push({ invariant: 'one-slack-root', subject, detail: roots === 0 ? 'no Slack root message' : `${roots} Slack root messages` });
  }

  const letteredBy = new Map<string, Set<string>>();
  for (const { topic, letter } of facts.deadLetters) {
    const poison = poisonOf(letter, facts.poison);
    if (poison) {
      bump('deadLetters:poison');
      const groups = letteredBy.get(poison.marker) ?? new Set<string>();
      groups.add(letter.consumerGroup ?? '?');
      letteredBy.set(poison.marker, groups);
      continue;
    }
    const code = letter.errorCode ?? '';
    const expected = facts.expectedDeadLetters.find((e) => e.errorCode === code || e.errorCode === code.split(':')[0]);
    if (expected) {
      bump(`deadLetters:${expected.errorCode}`);
      continue;
    }
    violations.push({
      invariant: 'nothing-silently-dropped',
      subject: `${topic}.dlq offset ${letter.offset}`,
      detail: `unexplained dead letter: ${letter.type ?? 'no type'} of ${letter.releaseId ?? letter.subject ?? 'no release'} from group ${letter.consumerGroup ?? '?'}: ${code} ${letter.errorReason ?? ''}`.trim(),
    });
  }
  for (const poison of facts.poison) {
    const groups = letteredBy.get(poison.marker)?.size ?? 0;
    if (groups < poison.consumedBy.length) {
      violations.push({
        invariant: 'nothing-silently-dropped',
        subject: `${poison.kind} poison on ${poison.topic}`,
        detail: `dead-lettered by ${groups} of its ${poison.consumedBy.length} consumers (${poison.consumedBy.join(', ')})`,
      });
    }
  }
  return { violations, counts, degraded };
}
