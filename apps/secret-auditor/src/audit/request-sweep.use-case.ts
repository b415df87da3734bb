import { type RepositoryRef } from '@portcullis/contracts';
import { type SweepRequests } from './audit.ports.js';

/** RequestSweep: queue a full-history audit of one repository at low priority. */
export class RequestSweep {
  constructor(private readonly deps: { readonly sweeps: SweepRequests; readonly clock: { now(): Date } }) {}

  async execute(command: {
    readonly requestId: string;
    readonly repository: RepositoryRef;
    readonly ref?: string;
    readonly reason?: string;
    readonly by: string;
    readonly channel: 'api' | 'cli';
  }) {
    const { eventId } = await this.deps.sweeps.request({
      requestId: command.requestId,
      repository: command.repository,
      ...(command.ref === undefined ? {} : { ref: command.ref }),
      reason: command.reason ?? `requested by ${command.by} through the ${command.channel}`,
      actor: { source: command.channel, id: command.by, name: command.by },
      requestedAt: this.deps.clock.now(),
    });
    return { status: 'accepted' as const, requestId: command.requestId, eventId };
  }
}
