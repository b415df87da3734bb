/** The last version the leader announced, as kept in Redis (`vulndb:announced`). */
export interface AnnouncedVersion {
  /** `VulnDb.version` (`sha256:<hex>` over the records' canonical JSON). */
  readonly version: string;
  readonly recordCount: number;
  /** ISO time of the announcement. */
  readonly publishedAt: string;
}

/** What the leader does with the database it just built. */
export type AnnounceDecision = 'announce' | 'unchanged';

/** The leader announces a build whose version differs from the last announced one (or none yet). */
export function decideAnnouncement(built: { readonly version: string }, announced: AnnouncedVersion | undefined): AnnounceDecision {
  return announced?.version === built.version ? 'unchanged' : 'announce';
}

/** What an instance does when it sees the announced version. */
export type SyncDecision = 'up-to-date' | 'reload';

/** An instance reloads when the announced version is not the one it scans with. */
export function decideSync(current: { readonly version: string }, announced: AnnouncedVersion | undefined): SyncDecision {
  return announced === undefined || announced.version === current.version ? 'up-to-date' : 'reload';
}

/**
 * After a reload for an announcement: swap only to a database whose version is exactly the
 * announced one. A source that changed again since (the leader will announce that next) or a
 * build that differs for any reason keeps the current database.
 */
export function acceptsReload(built: { readonly version: string }, announced: AnnouncedVersion): boolean {
  return built.version === announced.version;
}
