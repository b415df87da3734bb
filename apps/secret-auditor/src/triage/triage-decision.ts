import { type FindingTriageCommand, type TriageState } from '@portcullis/contracts';
import { type TriageRecord } from './triage.ports.js';

/**
 * The state a finding counts as now. No decision is `open`; an `accepted` whose `until` has passed
 * is `open` again (the acceptance lapsed), the record itself is left as it was decided.
 */
export function effectiveTriageState(record: Pick<TriageRecord, 'state' | 'until'> | undefined, now: Date): TriageState {
  if (record === undefined) return 'open';
  if (record.state === 'accepted' && record.until !== undefined && Date.parse(record.until) <= now.getTime()) return 'open';
  return record.state;
}

/** True when an `accepted` decision has lapsed. */
export function isLapsed(record: Pick<TriageRecord, 'state' | 'until'>, now: Date): boolean {
  return record.state === 'accepted' && effectiveTriageState(record, now) === 'open';
}

/**
 * Last writer wins, by decision time then event id. Commands about one fingerprint may travel on
 * different partitions (operator.commands is keyed by repository), so arrival order proves nothing;
 * the decision time does, and the same order comes out of any replay.
 */
export function isLaterDecision(candidate: Pick<TriageRecord, 'decidedAt' | 'eventId'>, current: Pick<TriageRecord, 'decidedAt' | 'eventId'> | undefined): boolean {
  if (current === undefined) return true;
  const a = Date.parse(candidate.decidedAt);
  const b = Date.parse(current.decidedAt);
  if (a !== b) return a > b;
  return candidate.eventId > current.eventId;
}

/** The view record of a consumed `finding.triage` command. `time` is the event's CloudEvents time. */
export function triageRecordOf(command: FindingTriageCommand, event: { readonly id: string; readonly time: string }): TriageRecord {
  return {
    fingerprint: command.fingerprint,
    state: command.state,
    // `until` only means something for an acceptance; a stray one on another state is dropped.
    ...(command.state === 'accepted' && command.until !== undefined ? { until: new Date(command.until).toISOString() } : {}),
    by: command.actor.id,
    reason: command.reason,
    decidedAt: new Date(event.time).toISOString(),
    requestId: command.requestId,
    eventId: event.id,
  };
}
