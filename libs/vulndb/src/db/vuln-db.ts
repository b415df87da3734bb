import { createHash } from 'node:crypto';

import {
  type EcosystemFamily,
  ecosystemKeysFor,
  normalisePackageName,
  osvEcosystemKey,
  schemeOf,
} from '../ecosystems/ecosystem.js';
import type { OsvAffected, OsvRecord } from '../osv/osv.schema.js';
import { parseOsvRecord, type RecordIssue } from '../osv/parse-record.js';
import { type CompiledAffected, compileAffected, fixesAbove, isAffected } from '../ranges/affected-versions.js';
import { type Severity, severityOf } from '../severity/severity.js';
import type { VersionScheme } from '../versions/version-scheme.js';
import { canonicalJson } from './canonical-json.js';
import type { PackageRef } from './package-ref.js';

/** One vulnerability affecting one installed package. */
export interface Finding {
  /** OSV id of the record (`GHSA-…`, `DSA-…`, `CVE-…`). */
  readonly vulnerabilityId: string;
  /** Other ids of the same vulnerability (CVE ids for GHSA/DSA records). */
  readonly aliases: readonly string[];
  /** The package as given to `match`. */
  readonly package: PackageRef;
  /** Version that was compared (the source version for `deb` when given). */
  readonly installedVersion: string;
  /** OSV ecosystem the record was found under (`Debian:12`, `npm`, ...). */
  readonly ecosystem: string;
  /** Versions that fix it and are above the installed one, in range order; empty when no fix is known. */
  readonly fixedVersions: readonly string[];
  readonly severity: Severity;
  readonly summary: string | undefined;
}

/** Why a package could not be checked. */
export type SkipReason =
  /** `deb`/`apk` without a supported distro (id + version). */
  | 'unsupported-distro'
  /** Records exist for the package but its version does not parse in the ecosystem's order. */
  | 'unparseable-version';

export interface SkippedPackage {
  readonly package: PackageRef;
  readonly reason: SkipReason;
}

export interface MatchResult {
  /** Version id of the database that produced this result. */
  readonly dbVersion: string;
  readonly findings: readonly Finding[];
  readonly skipped: readonly SkippedPackage[];
}

/** What an import accepted and rejected. */
export interface BuildReport {
  /** Records in the database (valid, not withdrawn, deduplicated by id). */
  readonly records: number;
  readonly withdrawn: number;
  /** Records whose `affected` entries are all in ecosystems the matcher does not support. */
  readonly unsupportedOnly: number;
  /** Rejected inputs and dropped ranges, at most `maxIssues` of them. */
  readonly issues: readonly RecordIssue[];
  /** Total number of issues, including those beyond `maxIssues`. */
  readonly issueCount: number;
}

interface IndexEntry {
  readonly record: OsvRecord;
  readonly affected: OsvAffected;
  readonly compiled: CompiledAffected;
  readonly scheme: VersionScheme;
  readonly ecosystem: string;
}

const SEP = '\u0000';
/** Bumped when what the id covers changes (schema subset, canonical form). */
const DB_FORMAT = 'portcullis-vulndb/1';

function modifiedTime(record: OsvRecord): number {
  const t = Date.parse(record.modified);
  return Number.isNaN(t) ? 0 : t;
}

/**
 * An in-memory OSV database, immutable once built: workers hold one instance, and swapping to a new
 * version is replacing a reference, so a scan never sees a half-loaded database.
 */
export class VulnDb {
  private constructor(
    /** Content-derived id: equal record sets give equal ids, whatever the file order or source. */
    readonly version: string,
    readonly report: BuildReport,
    private readonly index: ReadonlyMap<string, readonly IndexEntry[]>,
    private readonly records: ReadonlyMap<string, OsvRecord>,
  ) {
    Object.freeze(this);
  }

  /** @internal Used by `VulnDbBuilder`. */
  static create(version: string, report: BuildReport, index: Map<string, IndexEntry[]>, records: Map<string, OsvRecord>): VulnDb {
    return new VulnDb(version, report, index, records);
  }

  /** The validated record with this id, if loaded (withdrawn records are not). */
  record(id: string): OsvRecord | undefined {
    return this.records.get(id);
  }

  /** Findings for every package, deduplicated per (vulnerability, package). */
  match(packages: readonly PackageRef[]): MatchResult {
    const findings: Finding[] = [];
    const skipped: SkippedPackage[] = [];
    for (const pkg of packages) {
      const target = ecosystemKeysFor(pkg.type, pkg.distro);
      if (target === undefined) {
        skipped.push({ package: pkg, reason: 'unsupported-distro' });
        continue;
      }
      const { found, unparseable } = this.matchOne(pkg, target.family, target.keys);
      findings.push(...found);
      if (unparseable) skipped.push({ package: pkg, reason: 'unparseable-version' });
    }
    return { dbVersion: this.version, findings, skipped };
  }

  private matchOne(pkg: PackageRef, family: EcosystemFamily, keys: readonly string[]): { found: Finding[]; unparseable: boolean } {
    const isOs = pkg.type === 'deb' || pkg.type === 'apk';
    // Debian, Ubuntu and Alpine advisories are keyed by source package (origin on Alpine).
    const plain = pkg.type === 'maven' && pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name;
    const name = normalisePackageName(family, isOs ? (pkg.sourceName ?? pkg.name) : plain);
    let version = pkg.type === 'deb' ? (pkg.sourceVersion ?? pkg.version) : pkg.version;
    if (pkg.type === 'golang' && pkg.name === 'stdlib') version = version.replace(/^go/, '');
    const byId = new Map<string, { finding: Finding; fixed: string[] }>();
    let unparseable = false;
    for (const key of keys) {
      for (const entry of this.index.get(`${key}${SEP}${name}`) ?? []) {
        const verdict = isAffected(entry.compiled, version, entry.scheme);
        if (verdict === 'unparseable') unparseable = true;
        if (verdict !== 'affected') continue;
        const existing = byId.get(entry.record.id);
        if (existing !== undefined) {
          for (const f of fixesAbove(entry.compiled, version)) if (!existing.fixed.includes(f)) existing.fixed.push(f);
          continue;
        }
        const fixed = fixesAbove(entry.compiled, version);
        byId.set(entry.record.id, {
          fixed,
          finding: {
            vulnerabilityId: entry.record.id,
            aliases: entry.record.aliases ?? [],
            package: pkg,
            installedVersion: version,
            ecosystem: entry.ecosystem,
            fixedVersions: fixed,
            severity: severityOf(entry.record, entry.affected),
            summary: entry.record.summary,
          },
        });
      }
    }
    return { found: [...byId.values()].map((x) => x.finding), unparseable: unparseable && byId.size === 0 };
  }
}

/** Limits of one build. */
export interface BuildOptions {
  /** Issues kept in the report (the count is always exact). Default 1000. */
  readonly maxIssues?: number;
}

/**
 * Collects OSV records from any number of sources, then builds one `VulnDb`. Invalid inputs are
 * recorded as issues and skipped; nothing a record contains can make `add` or `build` throw.
 */
export class VulnDbBuilder {
  private readonly byId = new Map<string, { record: OsvRecord; hash: string; source: string }>();
  private readonly withdrawnIds = new Set<string>();
  private readonly issues: RecordIssue[] = [];
  private issueCount = 0;
  private readonly maxIssues: number;

  constructor(options: BuildOptions = {}) {
    this.maxIssues = options.maxIssues ?? 1_000;
  }

  /** Adds one JSON document (a file or zip entry). `source` names it in issues. */
  addJson(bytes: Uint8Array | string, source: string): void {
    const parsed = parseOsvRecord(bytes, source);
    if (!parsed.ok) {
      this.issue(parsed.issue);
      return;
    }
    this.addRecord(parsed.record, source);
  }

  /** Adds an already validated record. */
  addRecord(record: OsvRecord, source: string): void {
    if (record.withdrawn !== undefined) {
      this.withdrawnIds.add(record.id);
      return;
    }
    const hash = createHash('sha256').update(canonicalJson(record)).digest('hex');
    const existing = this.byId.get(record.id);
    if (existing !== undefined) {
      // Keep the newer record; on a tie the larger hash, so the outcome does not depend on order.
      const newer = modifiedTime(record) - modifiedTime(existing.record) || (hash > existing.hash ? 1 : hash < existing.hash ? -1 : 0);
      if (hash !== existing.hash) {
        this.issue({ id: record.id, source, kind: 'duplicate', reason: `also in ${existing.source}; the copy with the later "modified" is kept` });
      }
      if (newer <= 0) return;
    }
    this.byId.set(record.id, { record, hash, source });
  }

  /** Builds the database. The builder can be discarded afterwards. */
  build(): VulnDb {
    const ids = [...this.byId.keys()].filter((id) => !this.withdrawnIds.has(id)).sort();
    const versionHash = createHash('sha256').update(DB_FORMAT);
    const index = new Map<string, IndexEntry[]>();
    const records = new Map<string, OsvRecord>();
    let unsupportedOnly = 0;
    for (const id of ids) {
      const { record, hash, source } = this.byId.get(id)!;
      versionHash.update(`\n${id}\n${hash}`);
      records.set(id, record);
      let supported = false;
      for (const affected of record.affected ?? []) {
        const eco = osvEcosystemKey(affected.package.ecosystem);
        if (eco === undefined) continue;
        supported = true;
        const scheme = schemeOf(eco.family);
        const { compiled, problems } = compileAffected(affected, scheme);
        for (const reason of problems) this.issue({ id, source, kind: 'bad-range', reason: `${affected.package.ecosystem}/${affected.package.name}: ${reason}` });
        const key = `${eco.key}${SEP}${normalisePackageName(eco.family, affected.package.name)}`;
        const entry: IndexEntry = { record, affected, compiled, scheme, ecosystem: affected.package.ecosystem };
        const list = index.get(key);
        if (list === undefined) index.set(key, [entry]);
        else list.push(entry);
      }
      if (!supported) unsupportedOnly++;
    }
    const withdrawn = this.withdrawnIds.size;
    const report: BuildReport = { records: ids.length, withdrawn, unsupportedOnly, issues: [...this.issues], issueCount: this.issueCount };
    return VulnDb.create(`sha256:${versionHash.digest('hex')}`, report, index, records);
  }

  /** Records an input the caller rejected before parsing (e.g. a file over the size limit). */
  reject(issue: RecordIssue): void {
    this.issue(issue);
  }

  private issue(issue: RecordIssue): void {
    this.issueCount++;
    if (this.issues.length < this.maxIssues) this.issues.push(issue);
  }
}
