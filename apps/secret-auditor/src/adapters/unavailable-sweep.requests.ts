import { AuditorError } from '../auditor.error.js';
import { type SweepRequest, type SweepRequests } from '../audit/audit.ports.js';

/**
 * Placeholder until the sweep contract exists (a topic for low-priority work, see the README):
 * refuses every request, so the API answers 501 instead of pretending a sweep was queued.
 */
export class UnavailableSweepRequests implements SweepRequests {
  request(sweep: SweepRequest): Promise<{ eventId: string }> {
    return Promise.reject(
      new AuditorError(
        'SWEEP_UNAVAILABLE',
        `sweep of ${sweep.repository.provider}/${sweep.repository.owner}/${sweep.repository.name} refused: no sweep topic in the contracts yet`,
        'permanent',
        'full-history sweeps cannot be queued yet: this secret-auditor has no sweep queue',
      ),
    );
  }
}
