import { type RepositoryRef, type TriageState } from '@portcullis/contracts';
import { parseRepositoryKey } from '../repository-key.js';
import { type Clock, type IncidentIndex, type TriageCommandBus } from './triage.ports.js';

/** A triage decision as the API received it (already schema-valid). */
export interface DecideTriageCommand {
  readonly requestId: string;
  readonly fingerprint: string;
  readonly state: TriageState;
  readonly reason: string;
  /** RFC 3339, only with `accepted`, in the future. */
  readonly until?: string;
  /** Who decides, as the caller names them. */
  readonly by: string;
  /** Kafka key of the command; defaults to the first repository the secret was found in. */
  readonly repository?: RepositoryRef;
  readonly channel: 'api' | 'cli';
}

export type DecideTriageOutcome =
  | { readonly status: 'accepted'; readonly requestId: string; readonly eventId: string; readonly fingerprint: string; readonly state: TriageState; readonly decidedAt: string }
  | { readonly status: 'rejected'; readonly code: 'UNTIL_NOT_ALLOWED' | 'UNTIL_IN_PAST' | 'REPOSITORY_REQUIRED'; readonly message: string };

/**
 * DecideTriage: publishes the decision as `finding.triage` on operator.commands and answers once
 * Kafka acknowledged it. It writes nothing to Redis itself: the service's own consumer applies the
 * command to the view, the same path a replay takes (docs/adr/0006).
 */
export class DecideTriage {
  constructor(private readonly deps: { readonly bus: TriageCommandBus; readonly incidents: IncidentIndex; readonly clock: Clock }) {}

  async execute(command: DecideTriageCommand): Promise<DecideTriageOutcome> {
    const now = this.deps.clock.now();
    if (command.until !== undefined && command.state !== 'accepted') {
      return { status: 'rejected', code: 'UNTIL_NOT_ALLOWED', message: '`until` only applies to state `accepted`' };
    }
    if (command.until !== undefined && Date.parse(command.until) <= now.getTime()) {
      return { status: 'rejected', code: 'UNTIL_IN_PAST', message: '`until` must be in the future' };
    }
    const repository = command.repository ?? (await this.firstRepositoryOf(command.fingerprint));
    if (repository === undefined) {
      return {
        status: 'rejected',
        code: 'REPOSITORY_REQUIRED',
        message: 'this fingerprint was not found by any audit yet; name the `repository` (provider/owner/name) the decision is about',
      };
    }
    const { eventId } = await this.deps.bus.publish({
      requestId: command.requestId,
      fingerprint: command.fingerprint,
      state: command.state,
      ...(command.until === undefined ? {} : { until: command.until }),
      reason: command.reason,
      actor: { source: command.channel, id: command.by, name: command.by },
      repository,
      decidedAt: now,
    });
    return { status: 'accepted', requestId: command.requestId, eventId, fingerprint: command.fingerprint, state: command.state, decidedAt: now.toISOString() };
  }

  private async firstRepositoryOf(fingerprint: string): Promise<RepositoryRef | undefined> {
    const incident = await this.deps.incidents.find(fingerprint);
    const first = incident?.locations[0];
    return first === undefined ? undefined : parseRepositoryKey(first.repository);
  }
}
