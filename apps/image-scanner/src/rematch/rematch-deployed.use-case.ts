import { type ImageReference, type ScanCompletedEvent } from '@portcullis/contracts';
import { type SbomStore, type ScanResultCache, type VulnerabilityDatabase } from '../scan/scan-image.ports.js';
import { buildScan, completedEvent, findingIdsOf, type VulnerabilityPolicy } from '../scan/scan-report.js';
import { verdictChanged } from './rematch.decision.js';

/** Claims the re-match of one database version for one instance (`SET NX rematch:<version>`). */
export interface RematchClaim {
  tryClaim(version: string): Promise<boolean>;
  /** Gives the version back after a failed run, so the next attempt (any instance) redoes it. */
  release(version: string): Promise<void>;
}

export interface RematchDeployedDeps {
  readonly deployed: () => Promise<readonly ImageReference[]>;
  readonly sboms: SbomStore;
  /** Optional: the new result is cached so a later event for the digest needs no pull either. */
  readonly results?: ScanResultCache;
  readonly claim: RematchClaim;
  /** Publishes with a fixed id per (version, digest): a repeat is the same fact. */
  readonly publish: (body: ScanCompletedEvent, id: string) => Promise<void>;
  readonly logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  readonly settings: { readonly platform: string; readonly policy: VulnerabilityPolicy };
}

export interface RematchReport {
  readonly outcome: 'claimed-elsewhere' | 'done';
  /** Deployed digests with a stored SBOM that were matched. */
  readonly matched: number;
  /** Deployed digests without a stored SBOM (they are re-scanned on their next event). */
  readonly withoutSbom: number;
  /** `scan.completed` published: verdict or findings changed. */
  readonly changed: number;
}

/**
 * RematchDeployed: after this instance swapped to a new database version, matches the stored SBOM
 * of every deployed digest against it (no registry call) and publishes `scan.completed` for the
 * digests whose verdict or set of findings changed. One instance per version does it (claim).
 * Verdicts are under the platform default policy, like the cached scans they are compared with.
 */
export class RematchDeployed {
  constructor(private readonly deps: RematchDeployedDeps) {}

  async execute(db: ReturnType<VulnerabilityDatabase['current']>): Promise<RematchReport> {
    const { deps } = this;
    if (!(await deps.claim.tryClaim(db.version))) return { outcome: 'claimed-elsewhere', matched: 0, withoutSbom: 0, changed: 0 };
    try {
      return await this.rematch(db);
    } catch (error) {
      await deps.claim.release(db.version).catch(() => undefined);
      throw error;
    }
  }

  private async rematch(db: ReturnType<VulnerabilityDatabase['current']>): Promise<RematchReport> {
    const { deps } = this;
    let matched = 0;
    let withoutSbom = 0;
    let changed = 0;
    for (const image of await deps.deployed()) {
      const key = { digest: image.digest, platform: deps.settings.platform };
      const stored = await deps.sboms.get(key);
      if (!stored) {
        withoutSbom += 1;
        continue;
      }
      if (stored.vulndbVersion === db.version) continue;
      matched += 1;
      const scan = buildScan({ match: db.match(stored.packages), packageCount: stored.packageCount, platform: stored.platform, dbVersion: db.version, policy: deps.settings.policy });
      const next = { verdict: scan.verdict, findingIds: findingIdsOf(scan) };
      const isNews = verdictChanged(stored, next);
      if (isNews) {
        await deps.publish(completedEvent(scan, { image, cached: false }), `rematch:${db.version}:${image.digest}:scan-completed`);
        changed += 1;
        deps.logger.info({ image: `${image.registry}/${image.repository}@${image.digest}`, verdict: scan.verdict, previous: stored.verdict, vulndbVersion: db.version }, 'deployed image re-matched: verdict or findings changed');
      }
      // Recorded after publishing: a failed publish leaves the old facts, so a retry compares again.
      await deps.sboms.put(key, { ...stored, vulndbVersion: db.version, ...next });
      await deps.results?.put({ ...key, dbVersion: db.version }, scan);
    }
    deps.logger.info({ vulndbVersion: db.version, matched, withoutSbom, changed }, 'deployed images re-matched');
    return { outcome: 'done', matched, withoutSbom, changed };
  }
}
