import { type AuditSkip, type DependencyAudit, isZeroSha, type RepositoryRef, type Severity, ZERO_SHA } from '@portcullis/contracts';
import { dispositionOf, PortcullisError } from '@portcullis/errors';
import { type AttributedFinding, ChangeSetScan, type FileScanResult, type ScanInput } from '@portcullis/secrets';
import { type IncidentIndex, type TriageStore } from '../triage/triage.ports.js';
import { type AuditChange, type AuditedRange, type AuditOrigin, type AuditResults, type ListedRange, type RepositoryMirrors, type RepositoryWorkspace } from './audit-push.ports.js';
import { buildAuditCompleted, buildAuditFailed, type ScannedFinding } from './audit-result.js';
import { type PriorityGate } from './priority-gate.js';
import { type RefTipStore } from './audit.ports.js';
import { coveredReason, decideScanRange, type ScanRangeDecision, tipRelationOf } from './scan-range.js';
import { PIPELINE_FILE, type PipelineFileSections, readPipelineFile } from './pipeline-file.js';
import { type AuditDependencies } from '../dependencies/audit-dependencies.js';
import { LockfileChanges } from '../dependencies/lockfile-changes.js';

/** Changes handed to the secret engine that may still be scanning while the range is listed. */
const PENDING_SCANS = 32;

/** A ref update to audit: a branch push, or a tag (its commit as `after`, `before` all zeros). */
export interface AuditPushCommand {
  readonly repository: RepositoryRef;
  readonly ref: string;
  readonly before: string;
  readonly after: string;
  /** 1 on first delivery; with `maxAttempts`, decides when a retryable failure becomes `audit.failed`. */
  readonly attempt: number;
  /** The push event being handled. */
  readonly origin: AuditOrigin;
}

/** A full-history sweep of one branch (default: the default branch). */
export interface SweepCommand {
  readonly repository: RepositoryRef;
  readonly ref?: string;
  readonly origin: AuditOrigin;
}

export interface AuditPushDeps {
  readonly mirrors: RepositoryMirrors;
  readonly scanner: { scan(input: ScanInput): Promise<FileScanResult> };
  readonly tips: RefTipStore;
  readonly triage: TriageStore;
  readonly incidents: IncidentIndex;
  readonly results: AuditResults;
  /** Matches changed lockfiles against the OSV database; absent = no database configured, no dependency audit. */
  readonly dependencies?: AuditDependencies;
  /** Push audits run through it; sweeps wait for it to be idle between files. */
  readonly priority: PriorityGate;
  readonly clock: { now(): Date };
  readonly logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  readonly settings: {
    readonly platformFailOn: Severity;
    /** Delivery attempts the consumer makes; the last one publishes `audit.failed` instead of throwing. */
    readonly maxAttempts: number;
    /** `.portcullis.yaml` larger than this is treated as invalid. */
    readonly maxPolicyBytes: number;
    /** Largest file read whole (the per-file limit); lockfiles above it are reported TOO_LARGE. */
    readonly maxFileBytes: number;
  };
}

/** What became of one command, for logs and tests. */
export type AuditPushOutcome =
  | { readonly kind: 'audited'; readonly verdict: 'pass' | 'fail' | 'error'; readonly findings: number; readonly commits: number }
  | { readonly kind: 'skipped'; readonly reason: 'already-scanned' | 'ref-deleted' }
  | { readonly kind: 'failed'; readonly code: string };

/**
 * AuditPush: fetch exactly what a push added (from the configured git host), scan the added lines
 * of every commit and every changed manifest in full, judge the findings under the repository's
 * policy and the org-wide triage, publish `audit.completed`, then remember the scanned tip.
 *
 * Nothing is lost: the tip moves only after the result is in Kafka, so a crash repeats the audit
 * rather than skipping it, and a permanent failure (or the last attempt of a transient one) is
 * published as `audit.failed` so the release never waits forever.
 */
export class AuditPush {
  constructor(private readonly deps: AuditPushDeps) {}

  async execute(command: AuditPushCommand): Promise<AuditPushOutcome> {
    const { repository, ref, after } = command;
    if (isZeroSha(after)) {
      const tip = await this.deps.tips.get(repository, ref);
      if (tip !== undefined) await this.deps.tips.clear(repository, ref, tip);
      return { kind: 'skipped', reason: 'ref-deleted' };
    }
    const started = performance.now();
    try {
      const tip = await this.deps.tips.get(repository, ref);
      const audited = await this.deps.priority.run(() => this.deps.mirrors.withRepository(repository, (workspace) => this.audit(workspace, command, tip)));
      if (audited.kind === 'skipped') return audited;
      const { range, findings, skips, files, pipeline, dependencies } = audited;
      const triage = await this.deps.triage.findMany([...new Set(findings.map((f) => f.fingerprint))]);
      const body = buildAuditCompleted({
        repository,
        ref,
        range: range.reported,
        findings,
        skips,
        policy: pipeline.secrets.policy,
        ...(pipeline.secrets.invalid ? { policyInvalid: true } : {}),
        repoNotify: pipeline.notify,
        ...(dependencies ? { dependencies } : {}),
        triage,
        stats: { commits: range.commits, files, durationMs: Math.round(performance.now() - started) },
        now: this.deps.clock.now(),
      });
      await this.deps.results.completed(body, command.origin);
      await this.recordIncidents(repository, findings);
      if (!(await this.deps.tips.advance(repository, ref, tip, range.nextTip))) {
        this.deps.logger.info({ repository: `${repository.provider}/${repository.owner}/${repository.name}`, ref }, 'ref tip moved by another audit meanwhile; kept theirs');
      }
      // Previews are masked and fingerprints keyed: both are safe to log (never the value).
      this.deps.logger.info(
        {
          releaseId: body.releaseId,
          verdict: body.verdict,
          commits: range.commits,
          counts: body.counts,
          findings: body.findings.slice(0, 20).map((f) => ({ ruleId: f.ruleId, severity: f.severity, path: f.path, line: f.line, preview: f.preview, triage: f.triage })),
          skips: body.skips.length,
          // Paths and reason codes only: the contract keeps values out of them.
          repoNotify: body.repoNotify?.status === 'invalid' ? body.repoNotify.problems : body.repoNotify?.status,
          ...(body.dependencies ? { dependencies: { files: body.dependencies.files.length, counts: body.dependencies.counts } } : {}),
        },
        'audit completed',
      );
      return { kind: 'audited', verdict: body.verdict, findings: findings.length, commits: range.commits };
    } catch (error) {
      const permanent = dispositionOf(error) === 'permanent';
      if (!permanent && command.attempt < this.deps.settings.maxAttempts) throw error; // the consumer retries
      const code = error instanceof PortcullisError ? error.code : 'AUDIT_FAILED';
      const message = error instanceof Error ? error.message : 'the audit failed';
      await this.deps.results.failed(buildAuditFailed({ repository, ref, range: { before: command.before, after }, code, message }), command.origin);
      this.deps.logger.warn({ code, attempt: command.attempt, permanent }, 'audit failed; published audit.failed');
      return { kind: 'failed', code };
    }
  }

  private async audit(
    workspace: RepositoryWorkspace,
    command: AuditPushCommand,
    tip: string | undefined,
  ): Promise<
    | { kind: 'skipped'; reason: 'already-scanned' }
    | { kind: 'audited'; range: AuditedRange; findings: ScannedFinding[]; skips: AuditSkip[]; files: number; pipeline: PipelineFileSections; dependencies: DependencyAudit | undefined }
  > {
    await workspace.fetch(command.after);
    const decision = await this.decide(workspace, command, tip);
    if (decision.action === 'skip') return { kind: 'skipped', reason: 'already-scanned' };

    // The range to list: from the tip (or the push's own `before`, or no base for a new ref).
    const base = decision.excludeOtherRefs ? ZERO_SHA : (decision.exclude[0] ?? command.before);
    const lockfiles = new LockfileChanges();
    const scanned = await this.scanChanges((onChange) => workspace.changes({ ref: command.ref, before: base, after: command.after }, onChange), undefined, lockfiles);
    const pipeline = await this.pipelineFileAt(workspace, command.after);
    const dependencies = await this.auditDependencies(workspace, command.after, lockfiles);
    return { kind: 'audited', range: { ...scanned.listed, reported: decision.reported, nextTip: decision.nextTip }, ...scanned, pipeline, dependencies };
  }

  /**
   * A full-history sweep of one branch (default: the default branch), at low priority: before each
   * file it waits until no push audit of this instance is running. Publishes `audit.completed` for
   * the branch head with a range from nothing. Failures propagate: the consumer retries transient
   * ones and dead-letters the command otherwise (visible with `portcullis dlq list`).
   */
  async sweep(command: SweepCommand): Promise<AuditPushOutcome> {
    const started = performance.now();
    const { repository } = command;
    const audited = await this.deps.mirrors.withRepository(repository, async (workspace) => {
      let head = '';
      let ref = '';
      const lockfiles = new LockfileChanges();
      const scanned = await this.scanChanges(
        async (onChange) => {
          const listed = await workspace.history(command.ref, onChange);
          head = listed.head;
          ref = listed.ref;
          return listed;
        },
        () => this.deps.priority.whenIdle(),
        lockfiles,
      );
      return { ...scanned, head, ref, pipeline: await this.pipelineFileAt(workspace, head), dependencies: await this.auditDependencies(workspace, head, lockfiles) };
    });
    const triage = await this.deps.triage.findMany([...new Set(audited.findings.map((f) => f.fingerprint))]);
    const body = buildAuditCompleted({
      repository,
      ref: audited.ref,
      range: { before: ZERO_SHA, after: audited.head },
      findings: audited.findings,
      skips: audited.skips,
      policy: audited.pipeline.secrets.policy,
      ...(audited.pipeline.secrets.invalid ? { policyInvalid: true } : {}),
      repoNotify: audited.pipeline.notify,
      ...(audited.dependencies ? { dependencies: audited.dependencies } : {}),
      triage,
      stats: { commits: audited.listed.commits, files: audited.files, durationMs: Math.round(performance.now() - started) },
      now: this.deps.clock.now(),
    });
    await this.deps.results.completed(body, command.origin);
    await this.recordIncidents(repository, audited.findings);
    this.deps.logger.info({ releaseId: body.releaseId, verdict: body.verdict, commits: audited.listed.commits, counts: body.counts, sweep: true }, 'sweep completed');
    return { kind: 'audited', verdict: body.verdict, findings: audited.findings.length, commits: audited.listed.commits };
  }

  /** Scans every change `list` streams (see ChangeSetScan in libs/secrets). */
  private async scanChanges(
    list: (onChange: (change: AuditChange) => Promise<void>) => Promise<ListedRange>,
    beforeEach?: () => Promise<void>,
    lockfiles?: LockfileChanges,
  ): Promise<{ listed: ListedRange; findings: ScannedFinding[]; skips: AuditSkip[]; files: number }> {
    // Files stay in the worker pool while the next change is listed (docs/benchmarks.md, "Secrets in image layers").
    const scan = new ChangeSetScan(this.deps.scanner, { maxPendingScans: PENDING_SCANS, ...(beforeEach ? { beforeEach } : {}) });
    const listed = await list((change) => {
      lockfiles?.observe(change);
      return scan.add(change);
    });
    const { findings, skips, files } = await scan.complete();
    if (listed.truncatedCommits > 0) skips.push({ path: '(commits)', reason: 'TOO_MANY_COMMITS' });
    return { listed, findings: findings.map(scannedFinding), skips, files };
  }

  private async recordIncidents(repository: RepositoryRef, findings: readonly ScannedFinding[]): Promise<void> {
    await this.deps.incidents.record(
      findings.map((f) => ({
        fingerprint: f.fingerprint,
        ruleId: f.ruleId,
        severity: f.severity,
        repository,
        path: f.path,
        commit: f.commit,
        seenAt: this.deps.clock.now().toISOString(),
      })),
    );
  }

  /** The tip's relation to `after`, asked of git only when the pure decision needs it. */
  private async decide(workspace: RepositoryWorkspace, command: AuditPushCommand, tip: string | undefined): Promise<ScanRangeDecision> {
    if (tip === undefined || tip === command.after) return decideScanRange({ before: command.before, after: command.after, tip });
    // A tip the server no longer has (history rewritten, or a ref re-created) relates to nothing.
    const known = await workspace.hasCommit(tip);
    const relation = known
      ? tipRelationOf(tip, command.after, {
          tipIsAncestorOfAfter: await workspace.isAncestor(tip, command.after),
          afterIsAncestorOfTip: await workspace.isAncestor(command.after, tip),
        })
      : 'diverged';
    const decision = decideScanRange({ before: command.before, after: command.after, tip: known ? tip : undefined, relation });
    if (decision.action === 'scan' && decision.reason === 'covers-queued' && !isZeroSha(command.before) && (await workspace.hasCommit(command.before))) {
      return coveredReason(decision, await workspace.isAncestor(command.before, tip));
    }
    return decision;
  }

  /**
   * The dependency audit of the lockfiles the range changed, read at `commit`. Undefined — and no
   * work at all — when the range changed no lockfile or no database is configured.
   */
  private async auditDependencies(workspace: RepositoryWorkspace, commit: string, lockfiles: LockfileChanges): Promise<DependencyAudit | undefined> {
    if (!this.deps.dependencies || lockfiles.size === 0) return undefined;
    const maxBytes = this.deps.settings.maxFileBytes;
    return this.deps.dependencies.execute(lockfiles.list(), (path) => workspace.readFile(commit, path, maxBytes));
  }

  /** `.portcullis.yaml` at `commit`, read and parsed once for both the `secrets:` policy and the `notify:` section. */
  private async pipelineFileAt(workspace: RepositoryWorkspace, commit: string): Promise<PipelineFileSections> {
    const file = await workspace.readFile(commit, PIPELINE_FILE, this.deps.settings.maxPolicyBytes);
    return readPipelineFile(file, this.deps.settings.platformFailOn);
  }
}

function scannedFinding(finding: AttributedFinding): ScannedFinding {
  return {
    ruleId: finding.ruleId,
    kind: finding.kind,
    severity: finding.severity,
    path: finding.path,
    line: finding.line,
    fingerprint: finding.fingerprint,
    preview: finding.preview,
    commit: finding.commit,
    author: finding.author,
  };
}
