import { type FindingTriageCommand, OperatorCommands } from '@portcullis/contracts';
import { type EventPublisher, PublishError } from '@portcullis/messaging';
import { createHash } from 'node:crypto';
import { type TriageCommandBus, type TriageCommandToPublish } from '../triage/triage.ports.js';

/**
 * Publishes `finding.triage` to operator.commands (acks=all), bounded by a timeout. The event id
 * is derived from the request id, so a client retrying the same request re-publishes the same
 * event, which consumers apply once.
 */
export class KafkaTriageBus implements TriageCommandBus {
  constructor(
    private readonly publisher: Pick<EventPublisher, 'publish'>,
    private readonly timeoutMs: number,
  ) {}

  async publish(command: TriageCommandToPublish): Promise<{ eventId: string }> {
    const body: FindingTriageCommand = {
      kind: 'finding.triage',
      requestId: command.requestId,
      actor: command.actor,
      repository: command.repository,
      fingerprint: command.fingerprint,
      state: command.state,
      ...(command.until === undefined ? {} : { until: command.until }),
      reason: command.reason,
    };
    const id = eventIdOf('finding.triage', command.requestId);
    await withTimeout(this.publisher.publish(OperatorCommands, body, { id, time: command.decidedAt }), this.timeoutMs);
    return { eventId: id };
  }
}

/** A UUID-shaped id derived from the request id: the same request always yields the same event. */
export function eventIdOf(kind: string, requestId: string): string {
  const hex = createHash('sha256').update(`${kind}\0${requestId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function withTimeout<T>(sent: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PublishError({ code: 'PUBLISH_TIMEOUT', message: `no acknowledgement within ${timeoutMs} ms`, disposition: 'retry' })),
      timeoutMs,
    );
  });
  // A late rejection of the abandoned publish must not become an unhandled rejection.
  sent.catch(() => undefined);
  try {
    return await Promise.race([sent, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
