import {
  countBySeverity,
  type DependencyAudit,
  type DependencyFileResult,
  type DependencyVulnerability,
  SEVERITIES,
  type SeverityCounts,
} from '@portcullis/contracts';
import { DEFAULT_LOCKFILE_LIMITS, LockfileError, type LockfileLimits, type PackageRecord, purlOf, readLockfile } from '@portcullis/sbom';
import { type Finding, type PackageRef, type VulnDb } from '@portcullis/vulndb';
import { type ChangedLockfile, MAX_LOCKFILES_PER_PUSH } from './lockfile-changes.js';

/** The OSV database lockfiles are matched against; `current()` is taken once per audit. */
export interface VulnerabilityDatabase {
  current(): VulnDb;
}

/** Reads one file at the audited commit (the workspace's `readFile`, bound to the commit and size limit). */
export type ReadLockfileAt = (path: string) => Promise<{ kind: 'found'; content: string } | { kind: 'missing' } | { kind: 'too-large' }>;

export interface AuditDependenciesDeps {
  readonly database: VulnerabilityDatabase;
  /** Monotonic milliseconds, for the time budget. */
  readonly now: () => number;
  readonly settings: {
    /** Largest lockfile read: the auditor's per-file limit (`SECRETS_MAX_FILE_BYTES`). */
    readonly maxFileBytes: number;
    /** Reading and matching all lockfiles of one push; files not started within it are reported `TIME_BUDGET`. */
    readonly timeBudgetMs: number;
    readonly limits?: Partial<Omit<LockfileLimits, 'maxBytes'>>;
  };
}

const MAX_VULNERABILITIES = 100;
const MAX_UNPINNED_NAMES = 5;
const VULNERABILITY_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const LFS_POINTER = /^version https:\/\/git-lfs\.github\.com\/spec\/v1\n/;
const RANK = new Map(SEVERITIES.map((s, i) => [s, i]));

/**
 * AuditDependencies: the lockfiles a push changed, read at its last commit and matched against
 * the OSV database the image scanner uses, so a vulnerable library is known before an image is
 * built. Lockfiles are untrusted content: each is bounded (bytes, nesting, entries) and read
 * locally — nothing in one decides a network call — and a file that cannot be read becomes an
 * `error` entry next to the others, never a failed audit.
 */
export class AuditDependencies {
  constructor(private readonly deps: AuditDependenciesDeps) {}

  async execute(changed: readonly ChangedLockfile[], read: ReadLockfileAt): Promise<DependencyAudit> {
    const started = this.deps.now();
    const db = this.deps.database.current();
    const limits: LockfileLimits = { ...DEFAULT_LOCKFILE_LIMITS, ...this.deps.settings.limits, maxBytes: this.deps.settings.maxFileBytes };
    const files: DependencyFileResult[] = [];
    const all: DependencyVulnerability[] = [];
    // Each lockfile is parsed synchronously (bounded by its size); the budget is checked between files.
    for (const file of changed.slice(0, MAX_LOCKFILES_PER_PUSH)) {
      if (this.deps.now() - started > this.deps.settings.timeBudgetMs) {
        files.push(errorResult(file, 'TIME_BUDGET', `not read: the push's ${this.deps.settings.timeBudgetMs} ms dependency budget was spent`));
        continue;
      }
      const content = file.content ?? (await this.contentOf(file, read));
      if (content === undefined) continue; // deleted by the end of the range: nothing pinned any more
      if (typeof content !== 'string') {
        files.push(errorResult(file, content.code, content.message));
        continue;
      }
      const result = this.auditOne(db, file, content, limits, files.length);
      files.push(result.file);
      all.push(...result.vulnerabilities);
    }
    all.sort(byImportance);
    return {
      vulndbVersion: db.version,
      counts: countBySeverity(all),
      fixableCounts: countBySeverity(all.filter((v) => v.fixedVersion !== undefined)),
      files,
      filesTruncated: changed.length > MAX_LOCKFILES_PER_PUSH,
      vulnerabilities: all.slice(0, MAX_VULNERABILITIES),
      vulnerabilitiesTruncated: all.length > MAX_VULNERABILITIES,
      durationMs: Math.max(0, Math.round(this.deps.now() - started)),
    };
  }

  private async contentOf(file: ChangedLockfile, read: ReadLockfileAt): Promise<string | undefined | { code: string; message: string }> {
    const found = await read(file.path);
    if (found.kind === 'missing') return undefined;
    if (found.kind === 'too-large') return { code: 'TOO_LARGE', message: `larger than the ${this.deps.settings.maxFileBytes} byte per-file limit` };
    if (LFS_POINTER.test(found.content)) return { code: 'LFS_POINTER', message: 'git-lfs pointer; the lockfile is in LFS storage' };
    return found.content;
  }

  private auditOne(
    db: VulnDb,
    file: ChangedLockfile,
    content: string,
    limits: LockfileLimits,
    index: number,
  ): { file: DependencyFileResult; vulnerabilities: DependencyVulnerability[] } {
    let reading;
    try {
      reading = readLockfile(file.format, content, limits);
    } catch (error) {
      if (error instanceof LockfileError) return { file: errorResult(file, error.code, error.message), vulnerabilities: [] };
      throw error;
    }
    const refs = new Map<PackageRef, PackageRecord>();
    for (const record of reading.packages) refs.set(packageRefOf(record), record);
    const matched = db.match([...refs.keys()]);
    const vulnerabilities = dedupe(matched.findings.map((f) => vulnerabilityOf(f, refs.get(f.package), index)));
    return {
      file: {
        path: bounded(file.path, 512),
        format: file.format,
        status: 'audited',
        packages: reading.packages.length,
        unpinned: reading.unpinned.length,
        unpinnedNames: reading.unpinned.slice(0, MAX_UNPINNED_NAMES).map((u) => bounded(u.name, 100)),
        unchecked: matched.skipped.length,
        counts: countBySeverity(vulnerabilities),
      },
      vulnerabilities,
    };
  }
}

function packageRefOf(record: PackageRecord): PackageRef {
  return { type: record.type, name: record.name, version: record.version, ...(record.namespace !== undefined ? { namespace: record.namespace } : {}) };
}

function vulnerabilityOf(finding: Finding, record: PackageRecord | undefined, file: number): DependencyVulnerability {
  const pkg = finding.package;
  const name = pkg.type === 'maven' && pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name;
  const fix = finding.fixedVersions[0];
  return {
    file,
    id: finding.vulnerabilityId,
    aliases: aliasesOf(finding.vulnerabilityId, finding.aliases),
    severity: finding.severity,
    package: {
      name: bounded(name, 200),
      version: bounded(pkg.version, 64),
      ecosystem: bounded(finding.ecosystem, 32),
      purl: bounded(purlOf(record ?? { type: pkg.type, name: pkg.name, version: pkg.version }, undefined), 256),
    },
    ...(fix !== undefined ? { fixedVersion: bounded(fix, 64) } : {}),
  };
}

/** One entry per advisory and package (a record can list the same package under several ranges). */
function dedupe(list: DependencyVulnerability[]): DependencyVulnerability[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const key = `${v.file}\0${v.id}\0${v.package.purl}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** At most three, valid as ids, CVE ids first. */
function aliasesOf(id: string, aliases: readonly string[]): string[] {
  const valid = [...new Set(aliases)].filter((a) => a !== id && VULNERABILITY_ID.test(a));
  return [...valid.filter((a) => a.startsWith('CVE-')), ...valid.filter((a) => !a.startsWith('CVE-'))].slice(0, 3);
}

/** Most severe first; a fixable one before one without a fix; then by id and package. */
function byImportance(a: DependencyVulnerability, b: DependencyVulnerability): number {
  return (
    (RANK.get(a.severity) ?? 99) - (RANK.get(b.severity) ?? 99) ||
    Number(a.fixedVersion === undefined) - Number(b.fixedVersion === undefined) ||
    compare(a.id, b.id) ||
    a.file - b.file ||
    compare(a.package.purl, b.package.purl)
  );
}

/** Code-unit order: stable across locales and far cheaper than `localeCompare` on thousands of advisories. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorResult(file: ChangedLockfile, code: string, message: string): DependencyFileResult {
  return {
    path: bounded(file.path, 512),
    format: file.format,
    status: 'error',
    error: { code, message: bounded(message, 200) },
    packages: 0,
    unpinned: 0,
    unpinnedNames: [],
    unchecked: 0,
    counts: ZERO_COUNTS,
  };
}

const ZERO_COUNTS: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
