import { type RepositoryRef, type Severity, type TriageState } from '@portcullis/contracts';

/**
 * One triage decision as the Redis view keeps it: the latest `finding.triage` command applied for a
 * fingerprint. Org-wide: it covers the secret in every repository and survives the line moving.
 */
export interface TriageRecord {
  /** HMAC fingerprint of the secret (64 hex), never the value. */
  readonly fingerprint: string;
  readonly state: TriageState;
  /** RFC 3339; only for `accepted`: when the acceptance lapses and the finding counts as open again. */
  readonly until?: string;
  /** Who decided (the actor id of the command). */
  readonly by: string;
  readonly reason: string;
  /** RFC 3339: when the decision was made (the command's CloudEvents `time`); the last decision wins. */
  readonly decidedAt: string;
  /** The command's request id, for the audit trail. */
  readonly requestId: string;
  /** The command's event id: breaks a tie between two decisions made in the same millisecond. */
  readonly eventId: string;
}

/**
 * The triage view in Redis: a projection of `finding.triage` commands from `operator.commands`
 * (Kafka is the durable record, docs/adr/0006). Every call rejects with a StateError when Redis is
 * unavailable.
 */
export interface TriageStore {
  find(fingerprint: string): Promise<TriageRecord | undefined>;
  /** Many at once, for an audit's findings or a page of incidents. Missing fingerprints are absent from the map. */
  findMany(fingerprints: readonly string[]): Promise<ReadonlyMap<string, TriageRecord>>;
  /**
   * Stores `record` unless the view already holds a later decision for the fingerprint (by
   * `decidedAt`, then `eventId`), so replaying the topic in any order converges on the same view.
   * Resolves true when the record was written.
   */
  apply(record: TriageRecord): Promise<boolean>;
}

/** Where one fingerprint was seen: a repository and a path, first time first. */
export interface IncidentLocation {
  /** `provider/owner/name`. */
  readonly repository: string;
  readonly path: string;
  /** Commit that added it, as first seen there. */
  readonly commit: string;
  /** RFC 3339. */
  readonly firstSeenAt: string;
}

/** The same secret across every repository and path it was found in: one incident. */
export interface Incident {
  readonly fingerprint: string;
  /** Rule that first matched it, and the highest severity any rule assigned. */
  readonly ruleId: string;
  readonly severity: Severity;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** Oldest first, at most the configured cap (SECRET_INCIDENT_MAX_LOCATIONS). */
  readonly locations: readonly IncidentLocation[];
  /** True when more locations were seen than `locations` keeps. */
  readonly locationsTruncated: boolean;
}

/** A finding as an audit reports it to the incident index. No preview, no value: only where. */
export interface IncidentSighting {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly repository: RepositoryRef;
  readonly path: string;
  readonly commit: string;
  /** RFC 3339. */
  readonly seenAt: string;
}

/** One page of fingerprints, in a stable order. */
export interface FingerprintPage {
  readonly fingerprints: readonly string[];
  /** Pass back to get the next page; absent on the last one. */
  readonly nextCursor?: string;
}

/** fingerprint → where it was found. Updated by every audit that reports a finding. */
export interface IncidentIndex {
  /** Merges sightings into their incidents (creating them); idempotent for a repeated sighting. */
  record(sightings: readonly IncidentSighting[]): Promise<void>;
  find(fingerprint: string): Promise<Incident | undefined>;
  findMany(fingerprints: readonly string[]): Promise<ReadonlyMap<string, Incident>>;
  /** Known fingerprints in ascending order, starting after `cursor`. */
  page(options: { readonly after?: string; readonly limit: number }): Promise<FingerprintPage>;
}

/** Publishes a `finding.triage` command to operator.commands; resolves once Kafka acknowledged it. */
export interface TriageCommandBus {
  publish(command: TriageCommandToPublish): Promise<{ readonly eventId: string }>;
}

/** What the HTTP edge decided, ready for the contract's `finding.triage` body. */
export interface TriageCommandToPublish {
  readonly requestId: string;
  readonly fingerprint: string;
  readonly state: TriageState;
  readonly until?: string;
  readonly reason: string;
  readonly actor: { readonly source: 'api' | 'cli'; readonly id: string; readonly name: string };
  /** The Kafka key (the contract keys operator commands by repository). */
  readonly repository: RepositoryRef;
  /** When the decision was made; becomes the event's `time`, which orders decisions. */
  readonly decidedAt: Date;
}

export interface Clock {
  now(): Date;
}
