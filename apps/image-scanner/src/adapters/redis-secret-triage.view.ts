import { TriageState } from '@portcullis/contracts';
import { RedisRecordStore, type StateClient } from '@portcullis/state';
import { type SecretTriageView } from '../scan/scan-image.ports.js';
import { type TriageDecision } from '../secrets/judge-secrets.js';

/** The record fields the view shares with the secret-auditor's `RedisTriageStore` (it writes more). */
interface StoredDecision {
  readonly state?: unknown;
  readonly until?: unknown;
}

/**
 * Reads the org-wide triage view the secret-auditor projects from `finding.triage` commands
 * (`secret-triage:<fingerprint>`, docs/adr/0006), read-only: a secret marked rotated, false
 * positive or accepted counts the same in an image as in a repository. Records of an unknown shape
 * are read as no decision (the finding stays open), never as a suppression.
 */
export class RedisSecretTriageView implements SecretTriageView {
  private readonly records: RedisRecordStore<StoredDecision>;

  constructor(client: StateClient) {
    this.records = new RedisRecordStore<StoredDecision>(client, { namespace: 'secret-triage' });
  }

  async findMany(fingerprints: readonly string[]): Promise<ReadonlyMap<string, TriageDecision>> {
    const unique = [...new Set(fingerprints)];
    // Issued in one tick: the client auto-pipelines them into one round trip.
    const found = await Promise.all(unique.map((fp) => this.records.get(fp)));
    const decisions = new Map<string, TriageDecision>();
    unique.forEach((fp, i) => {
      const state = TriageState.safeParse(found[i]?.state);
      if (!state.success) return;
      const until = found[i]?.until;
      decisions.set(fp, { state: state.data, ...(typeof until === 'string' ? { until } : {}) });
    });
    return decisions;
  }
}
