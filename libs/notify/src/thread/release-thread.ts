import {
  imageDigestKey,
  parseReleaseId,
  releaseIdOf,
  type AuditCompletedEvent,
  type AuditFailedEvent,
  type FindingTriageCommand,
  type ImageReference,
  type RegistryBuildAnnouncedEvent,
  type RegistryImagePushedEvent,
  type RepoNotifyReading,
  type ReleaseApproveCommand,
  type ReleasePromoteCommand,
  type ReleaseRollbackCommand,
  type ReleaseState,
  type ReleaseTransitionEvent,
  type RepositoryRef,
  type ScanCompletedEvent,
  type ScanFailedEvent,
  type ScmPushEvent,
  type SecretsSweepCommand,
  type Severity,
  type SeverityCounts,
  type TriageState,
  type Verdict,
  type VulnerabilityAcceptCommand,
  ZERO_SHA,
} from '@portcullis/contracts';

/**
 * Bounds of a thread, so its JSON stays small enough to keep per release in Redis whatever the
 * events carry (500 findings, 1000 vulnerabilities, …). Counts always cover everything; only the
 * lists are cut.
 */
export const THREAD_LIMITS = {
  /** Findings kept from an audit, most severe first (the auditor sorts them). */
  findings: 25,
  /** Fixable critical vulnerabilities kept per scanned image. */
  fixableCriticals: 5,
  /** Images (builds and scans each). The deploy contract allows 20 images per release. */
  images: 20,
  /** Secret findings kept per scanned image, most severe first (the scanner sorts them). */
  imageSecretFindings: 5,
  /** Environments a release is shown in. */
  environments: 20,
  /** Blocking items kept per environment (the event carries up to 20). */
  blockingItems: 5,
  /** Operator actions kept, the most recent ones. */
  actions: 30,
  /** Transitions kept per environment for its step trail. */
  trailSteps: 8,
  /** Lockfile advisories kept from an audit's dependency section, most severe first (the auditor sorts them). */
  dependencyVulnerabilities: 5,
  /** Image test results kept per scanned image: failures first, then tests that did not run. */
  imageTestResults: 5,
} as const;

/** Bodies the thread understands, exactly as the topics carry them. Others are ignored. */
export type ThreadEventBody =
  | ScmPushEvent
  | AuditCompletedEvent
  | AuditFailedEvent
  | ScanCompletedEvent
  | ScanFailedEvent
  | ReleaseTransitionEvent
  | RegistryBuildAnnouncedEvent
  | RegistryImagePushedEvent
  | ReleaseApproveCommand
  | ReleasePromoteCommand
  | ReleaseRollbackCommand
  | FindingTriageCommand
  | VulnerabilityAcceptCommand
  | SecretsSweepCommand;

/** One consumed event: the CloudEvent attributes the reducer needs, and the validated body. */
export interface ThreadEvent {
  /** CloudEvent `id`: the same fact re-published keeps its id, so it keys facts that have no id of their own. */
  id: string;
  /** CloudEvent `time` (RFC 3339, UTC): orders facts that replace each other (a re-audit, a re-scan). */
  time?: string;
  /** The validated body. */
  body: ThreadEventBody;
}

/** A redacted finding as the thread shows it: only fields `audit.completed` carries, never a value. */
export interface FindingFact {
  ruleId: string;
  kind: 'secret' | 'manifest';
  severity: Severity;
  /** Keyed HMAC of the value: what triage decisions attach to. */
  fingerprint: string;
  /** Masked preview, exactly as the auditor wrote it. */
  preview: string;
  path: string;
  line: number;
  author: string;
  triage: TriageState;
}

/** The lockfiles a push changed, matched against the OSV database (`audit.completed` `dependencies`). */
export interface DependencyFact {
  /** Advisories per severity over every lockfile. */
  counts: SeverityCounts;
  /** Of `counts`, those with a known fix. */
  fixableCounts: SeverityCounts;
  /** Lockfiles audited or attempted. */
  files: number;
  /** Lockfiles that could not be read: path and reason code (at most `dependencyVulnerabilities`). */
  errors: { path: string; code: string }[];
  /** How many files could not be read in all. */
  errorsTotal: number;
  /** The first advisories, most severe first. */
  vulnerabilities: { id: string; severity: Severity; packageName: string; version: string; fixedVersion?: string; path: string }[];
}

/** The secret audit of the release. */
export type AuditFact =
  | {
      status: 'completed';
      eventId: string;
      time: string;
      verdict: Verdict;
      counts: SeverityCounts;
      failOn: Severity;
      suppressed: number;
      /** The first `THREAD_LIMITS.findings` findings, most severe first. */
      findings: FindingFact[];
      /** How many findings there are in all (at least the counted ones, at least the listed ones). */
      findingsTotal: number;
      /** True when the auditor itself listed fewer findings than it found. */
      findingsTruncated: boolean;
      /** Files the audit did not scan (the count it listed; `skipsTruncated` says there were more). */
      skipped: number;
      skipsTruncated: boolean;
      commits: number;
      files: number;
      /** Absent when the push changed no lockfile (or the auditor has no vulnerability database). */
      dependencies?: DependencyFact;
    }
  | { status: 'failed'; eventId: string; time: string; code: string; message: string };

/** A fixable critical vulnerability, for the scan summary. */
export interface FixableVulnerability {
  id: string;
  packageName: string;
  installedVersion: string;
  fixedVersion: string;
}

/** The vulnerability scan of one image of the release. */
export type ScanFact =
  | {
      status: 'completed';
      eventId: string;
      time: string;
      image: ImageReference;
      platform?: string;
      verdict: Verdict;
      counts: SeverityCounts;
      failOn: Severity;
      suppressed: number;
      packageCount: number;
      vulndbVersion: string;
      /** Up to `THREAD_LIMITS.fixableCriticals` unsuppressed critical vulnerabilities with a fix. */
      fixableCriticals: FixableVulnerability[];
      /** Unsuppressed critical vulnerabilities with a fix, counting those the list leaves out (of those the scanner listed). */
      fixableCriticalTotal: number;
      /** Secrets baked into the image; absent when the scanner does not scan for them. */
      secrets?: ImageSecretsFact;
      /** The repository's image tests run against the image; absent when it declares none. */
      imageTests?: ImageTestsFact;
    }
  | { status: 'failed'; eventId: string; time: string; image: ImageReference; code: string; message: string };

/** The image tests of one image (`imageTests:` of `.portcullis.yaml`), as the thread keeps them. */
export interface ImageTestsFact {
  verdict: 'passed' | 'failed' | 'incomplete';
  passed: number;
  failed: number;
  notRun: number;
  /** Up to `THREAD_LIMITS.imageTestResults` tests that failed, then did not run; never passed ones. */
  results: { id: string; status: 'failed' | 'not-run'; reason?: string }[];
  /** Set when the section is invalid: its first problems (no test ran). */
  problems?: string[];
}

/** A secret found in an image: where (layer file, env, build step), redacted as the scanner reported it. */
export interface ImageSecretFindingFact {
  ruleId: string;
  severity: Severity;
  source: 'layer' | 'env' | 'history';
  layerDigest?: string;
  path: string;
  line: number;
  fingerprint: string;
  preview: string;
  deletedLater: boolean;
  triage: TriageState;
  suppressed: boolean;
}

/** The secret scan of one image, as the thread keeps it. */
export interface ImageSecretsFact {
  verdict: Verdict;
  counts: SeverityCounts;
  failOn: Severity;
  suppressed: number;
  /** The first `THREAD_LIMITS.imageSecretFindings` findings, most severe first. */
  findings: ImageSecretFindingFact[];
  /** How many findings there are in all (counted ones and listed ones, whichever is more). */
  findingsTotal: number;
  /** Layer files not read for a reason other than being binary (too large, budgets). */
  skipped: number;
  files: number;
}

/** The push that made the release, as the Git provider reported it. */
export interface CommitFact {
  /** Author of the release commit, as recorded in it; absent when the provider's list left that commit out. */
  author?: string;
  /** First line of the release commit's message (at most 200 characters). */
  title?: string;
  /** Login or name of whoever pushed. */
  pushedBy: string;
}

/** CI's announcement of one image built from the release commit. */
export interface BuildFact {
  image: ImageReference;
  buildId?: string;
  buildUrl?: string;
}

/** A blocking item as the thread shows it. */
export interface BlockingFact {
  gate: string;
  id: string;
  severity?: Severity;
  location: string;
}

/** One transition of an environment, for the step trail the root message shows. */
export interface TrailStep {
  sequence: number;
  to: ReleaseState;
  reason: string;
  /** When the orchestrator observed it (RFC 3339). */
  at: string;
}

/** The latest known state of the release in one environment. */
export interface EnvironmentFact {
  eventId: string;
  sequence: number;
  from: ReleaseState | null;
  to: ReleaseState;
  reason: string;
  message: string;
  waitingFor?: string[];
  blocking?: { secrets: number; vulnerabilities: number; policyViolations: number; imageTests?: number; items: BlockingFact[] };
  strategy: 'rolling' | 'blue-green';
  images: ImageReference[];
  relatedReleaseId?: string;
  observedAt: string;
  /** The transitions seen so far, by sequence (the last `THREAD_LIMITS.trailSteps`): the rollout's steps. Absent in records folded before it existed. */
  trail?: TrailStep[];
}

/** Who did what, from `operator.commands`. */
export interface ActionFact {
  /** The command's own idempotency key. */
  requestId: string;
  /** CloudEvent time of the command ('' when unknown): orders the thread's history. */
  time: string;
  kind: 'release.approve' | 'release.promote' | 'release.rollback' | 'finding.triage' | 'vulnerability.accept';
  actor: { source: 'slack' | 'api' | 'cli'; id: string; name: string };
  environment?: string;
  /** Approve/promote comment, or the reason of a rollback, triage or acceptance. */
  note?: string;
  fingerprint?: string;
  triageState?: TriageState;
  vulnerabilityId?: string;
  packageName?: string;
  until?: string;
}

/**
 * Everything the notifier knows about one release, folded from events by `applyEvent`. Plain JSON
 * (no Dates, no Maps), bounded by `THREAD_LIMITS`, and independent of the order of facts that do not
 * replace each other.
 */
export interface ReleaseThread {
  schemaVersion: 1;
  releaseId: string;
  repository: RepositoryRef;
  sha: string;
  /** Full ref of the push (`refs/heads/main`), once the push or the audit reported it. */
  ref?: string;
  /** Who wrote and pushed the commit, once the push reached the notifier. */
  commit?: CommitFact;
  /** The `notify:` section of the repository's `.portcullis.yaml` at this commit, as the audit read it. */
  repoNotify?: RepoNotifyReading;
  audit?: AuditFact;
  /** By `registry/repository@digest`. */
  builds: Record<string, BuildFact>;
  /** By `registry/repository@digest`. */
  scans: Record<string, ScanFact>;
  /** By environment name. */
  environments: Record<string, EnvironmentFact>;
  /** By request id. */
  actions: Record<string, ActionFact>;
}

/** The release an event is about, or `undefined` (a scan no release asked for, an image push, a sweep). */
export function releaseIdOfEvent(body: ThreadEventBody): string | undefined {
  switch (body.kind) {
    case 'push':
      // A deleted branch has no release.
      return body.after === ZERO_SHA ? undefined : releaseIdOf(body.repository, body.after);
    case 'build.announced':
      return releaseIdOf(body.repository, body.commit);
    case 'image.pushed':
    case 'secrets.sweep':
      return undefined;
    default:
      return body.releaseId;
  }
}

/** An empty thread for a release id, or `undefined` when it is not one. */
export function emptyThread(releaseId: string): ReleaseThread | undefined {
  const parsed = parseReleaseId(releaseId);
  if (!parsed) return undefined;
  return {
    schemaVersion: 1,
    releaseId,
    repository: { ...parsed.repository },
    sha: parsed.sha,
    builds: {},
    scans: {},
    environments: {},
    actions: {},
  };
}

/**
 * Folds one event into the thread of its release. Pure: returns a new thread (or the same object
 * when nothing changed) and never mutates its input.
 *
 * - Applying an event twice gives the same thread (facts are keyed by request id, sequence,
 *   image digest or environment).
 * - Facts that replace each other are chosen by rank, not by arrival: a completed audit or scan
 *   beats a failed one, then the later CloudEvent time, then the larger event id; a deploy
 *   transition with a lower `sequence` than the one known is ignored.
 * - An event about another release, or about none, leaves the thread unchanged; with no thread
 *   it returns `undefined`.
 */
export function applyEvent(thread: ReleaseThread | undefined, event: ThreadEvent): ReleaseThread | undefined {
  const releaseId = releaseIdOfEvent(event.body);
  if (releaseId === undefined) return thread;
  if (thread && thread.releaseId !== releaseId) return thread;
  const base = thread ?? emptyThread(releaseId);
  if (!base) return thread;
  const body = event.body;
  const time = event.time ?? '';

  switch (body.kind) {
    case 'push': {
      const commit = commitFact(body);
      // The same commit pushed to a second branch keeps the first branch: the audit names the one it ran for.
      const ref = base.ref ?? body.ref;
      return sameJson(base.commit, commit) && ref === base.ref ? base : { ...base, ref, commit };
    }
    case 'audit.completed':
    case 'audit.failed': {
      const next = body.kind === 'audit.completed' ? auditCompletedFact(body, event.id, time) : auditFailedFact(body, event.id, time);
      const audit = pickAudit(base.audit, next);
      if (audit === base.audit) return base;
      // The repository's `notify:` section comes with the audit that read it; a failed audit read none.
      const { repoNotify: _previous, ...rest } = base;
      const repoNotify = body.kind === 'audit.completed' ? body.repoNotify : undefined;
      return { ...rest, ref: body.ref, audit, ...(repoNotify ? { repoNotify: structuredClone(repoNotify) } : {}) };
    }
    case 'scan.completed':
    case 'scan.failed': {
      const key = imageDigestKey(body.image);
      const next = body.kind === 'scan.completed' ? scanCompletedFact(body, event.id, time) : scanFailedFact(body, event.id, time);
      const current = base.scans[key];
      const scan = pickScan(current, next);
      return scan === current ? base : { ...base, scans: boundRecord({ ...base.scans, [key]: scan }, THREAD_LIMITS.images) };
    }
    case 'release.transition': {
      const current = base.environments[body.environment];
      if (current && current.sequence > body.sequence) {
        // An older step arriving late changes nothing but the trail, so the trail does not depend on arrival order.
        if (current.trail?.some((t) => t.sequence === body.sequence) !== false) return base;
        const trail = [...current.trail, trailStep(body)].sort((a, b) => a.sequence - b.sequence).slice(-THREAD_LIMITS.trailSteps);
        return { ...base, environments: { ...base.environments, [body.environment]: { ...current, trail } } };
      }
      if (current && current.sequence === body.sequence && current.eventId >= event.id) return base;
      const environments = { ...base.environments, [body.environment]: environmentFact(body, event.id, current?.trail) };
      return { ...base, environments: boundRecord(environments, THREAD_LIMITS.environments) };
    }
    case 'build.announced': {
      const key = imageDigestKey(body.image);
      const fact = buildFact(body);
      if (sameJson(base.builds[key], fact)) return base;
      return { ...base, builds: boundRecord({ ...base.builds, [key]: fact }, THREAD_LIMITS.images) };
    }
    case 'release.approve':
    case 'release.promote':
    case 'release.rollback':
    case 'finding.triage':
    case 'vulnerability.accept': {
      if (base.actions[body.requestId]) return base;
      const actions = { ...base.actions, [body.requestId]: actionFact(body, time) };
      return { ...base, actions: latestActions(actions) };
    }
    default:
      return base;
  }
}

/** Folds events in order; a convenience for tests and for rebuilding a thread from a topic. */
export function foldEvents(events: readonly ThreadEvent[], thread?: ReleaseThread): ReleaseThread | undefined {
  return events.reduce<ReleaseThread | undefined>((t, e) => applyEvent(t, e), thread);
}

/** Actions in the order they happened (time, then request id). */
export function actionsInOrder(thread: ReleaseThread): ActionFact[] {
  return Object.values(thread.actions).sort(compareActions);
}

function commitFact(body: ScmPushEvent): CommitFact {
  const head = body.commits.find((c) => c.sha === body.after);
  return {
    ...(head ? { author: head.author, title: head.title } : {}),
    pushedBy: body.pusher,
  };
}

function auditCompletedFact(body: AuditCompletedEvent, eventId: string, time: string): AuditFact {
  const counted = body.counts.critical + body.counts.high + body.counts.medium + body.counts.low + body.counts.unknown;
  return {
    status: 'completed',
    eventId,
    time,
    verdict: body.verdict,
    counts: { ...body.counts },
    failOn: body.policy.failOn,
    suppressed: body.policy.suppressed,
    // Field by field on purpose: nothing the event might carry beyond the contract reaches the thread.
    findings: body.findings.slice(0, THREAD_LIMITS.findings).map((f) => ({
      ruleId: f.ruleId,
      kind: f.kind,
      severity: f.severity,
      fingerprint: f.fingerprint,
      preview: f.preview,
      path: f.path,
      line: f.line,
      author: f.author,
      triage: f.triage,
    })),
    findingsTotal: Math.max(counted, body.findings.length),
    findingsTruncated: body.findingsTruncated,
    skipped: body.skips.length,
    skipsTruncated: body.skipsTruncated,
    commits: body.stats.commits,
    files: body.stats.files,
    ...(body.dependencies ? { dependencies: dependencyFact(body.dependencies) } : {}),
  };
}

function dependencyFact(audit: NonNullable<AuditCompletedEvent['dependencies']>): DependencyFact {
  const errors = audit.files.filter((f) => f.status === 'error');
  const max = THREAD_LIMITS.dependencyVulnerabilities;
  return {
    counts: { ...audit.counts },
    fixableCounts: { ...audit.fixableCounts },
    files: audit.files.length,
    errors: errors.slice(0, max).map((f) => ({ path: f.path, code: f.error?.code ?? 'UNREADABLE' })),
    errorsTotal: errors.length,
    vulnerabilities: audit.vulnerabilities.slice(0, max).map((v) => ({
      id: v.id,
      severity: v.severity,
      packageName: v.package.name,
      version: v.package.version,
      ...(v.fixedVersion !== undefined ? { fixedVersion: v.fixedVersion } : {}),
      path: audit.files[v.file]?.path ?? '',
    })),
  };
}

function auditFailedFact(body: AuditFailedEvent, eventId: string, time: string): AuditFact {
  return { status: 'failed', eventId, time, code: body.code, message: body.message };
}

function scanCompletedFact(body: ScanCompletedEvent, eventId: string, time: string): ScanFact {
  const fixable = body.vulnerabilities.filter((v) => v.severity === 'critical' && !v.suppressed && v.fixedVersion !== undefined);
  return {
    status: 'completed',
    eventId,
    time,
    image: copyImage(body.image),
    ...(body.platform === undefined ? {} : { platform: body.platform }),
    verdict: body.verdict,
    counts: { ...body.counts },
    failOn: body.policy.failOn,
    suppressed: body.policy.suppressed,
    packageCount: body.packageCount,
    vulndbVersion: body.vulndbVersion,
    fixableCriticals: fixable.slice(0, THREAD_LIMITS.fixableCriticals).map((v) => ({
      id: v.id,
      packageName: v.package.name,
      installedVersion: v.package.version,
      fixedVersion: v.fixedVersion ?? '',
    })),
    fixableCriticalTotal: fixable.length,
    ...(body.secrets ? { secrets: imageSecretsFact(body.secrets) } : {}),
    ...(body.imageTests ? { imageTests: imageTestsFact(body.imageTests) } : {}),
  };
}

function imageTestsFact(tests: NonNullable<ScanCompletedEvent['imageTests']>): ImageTestsFact {
  const unmet = [...tests.results.filter((r) => r.status === 'failed'), ...tests.results.filter((r) => r.status === 'not-run')];
  return {
    verdict: tests.verdict,
    passed: tests.passed,
    failed: tests.failed,
    notRun: tests.notRun,
    results: unmet.slice(0, THREAD_LIMITS.imageTestResults).map((r) => ({
      id: r.id,
      status: r.status === 'failed' ? 'failed' : 'not-run',
      ...(r.reason === undefined ? {} : { reason: r.reason }),
    })),
    ...(tests.problems && tests.problems.length > 0 ? { problems: tests.problems.slice(0, 3) } : {}),
  };
}

function imageSecretsFact(secrets: NonNullable<ScanCompletedEvent['secrets']>): ImageSecretsFact {
  const counted = Object.values(secrets.counts).reduce((a, b) => a + b, 0);
  return {
    verdict: secrets.verdict,
    counts: { ...secrets.counts },
    failOn: secrets.policy.failOn,
    suppressed: secrets.policy.suppressed,
    // Field by field on purpose: nothing the event might carry beyond the contract reaches the thread.
    findings: secrets.findings.slice(0, THREAD_LIMITS.imageSecretFindings).map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      source: f.source,
      ...(f.layerDigest === undefined ? {} : { layerDigest: f.layerDigest }),
      path: f.path,
      line: f.line,
      fingerprint: f.fingerprint,
      preview: f.preview,
      deletedLater: f.deletedLater,
      triage: f.triage,
      suppressed: f.suppressed,
    })),
    findingsTotal: Math.max(counted + secrets.policy.suppressed, secrets.findings.length),
    skipped: secrets.skipped.filter((s) => s.reason !== 'BINARY').reduce((n, s) => n + s.files, 0),
    files: secrets.stats.files,
  };
}

function scanFailedFact(body: ScanFailedEvent, eventId: string, time: string): ScanFact {
  return { status: 'failed', eventId, time, image: copyImage(body.image), code: body.code, message: body.message };
}

function trailStep(body: ReleaseTransitionEvent): TrailStep {
  return { sequence: body.sequence, to: body.to, reason: body.reason, at: body.observedAt };
}

function environmentFact(body: ReleaseTransitionEvent, eventId: string, trail: readonly TrailStep[] = []): EnvironmentFact {
  const steps = [...trail.filter((t) => t.sequence !== body.sequence), trailStep(body)];
  return {
    eventId,
    sequence: body.sequence,
    from: body.from,
    to: body.to,
    reason: body.reason,
    message: body.message,
    ...(body.waitingFor === undefined ? {} : { waitingFor: [...body.waitingFor] }),
    ...(body.blocking === undefined
      ? {}
      : {
          blocking: {
            secrets: body.blocking.secrets,
            vulnerabilities: body.blocking.vulnerabilities,
            policyViolations: body.blocking.policyViolations,
            ...(body.blocking.imageTests === undefined ? {} : { imageTests: body.blocking.imageTests }),
            items: body.blocking.items.slice(0, THREAD_LIMITS.blockingItems).map((i) => ({
              gate: i.gate,
              id: i.id,
              ...(i.severity === undefined ? {} : { severity: i.severity }),
              location: i.location,
            })),
          },
        }),
    strategy: body.strategy,
    images: body.images.slice(0, THREAD_LIMITS.images).map(copyImage),
    ...(body.relatedReleaseId === undefined ? {} : { relatedReleaseId: body.relatedReleaseId }),
    observedAt: body.observedAt,
    trail: steps.sort((a, b) => a.sequence - b.sequence).slice(-THREAD_LIMITS.trailSteps),
  };
}

function buildFact(body: RegistryBuildAnnouncedEvent): BuildFact {
  return {
    image: copyImage(body.image),
    ...(body.buildId === undefined ? {} : { buildId: body.buildId }),
    ...(body.buildUrl === undefined ? {} : { buildUrl: body.buildUrl }),
  };
}

function actionFact(
  body: ReleaseApproveCommand | ReleasePromoteCommand | ReleaseRollbackCommand | FindingTriageCommand | VulnerabilityAcceptCommand,
  time: string,
): ActionFact {
  const base = {
    requestId: body.requestId,
    time,
    kind: body.kind,
    actor: { source: body.actor.source, id: body.actor.id, name: body.actor.name },
  };
  switch (body.kind) {
    case 'release.approve':
    case 'release.promote':
      return { ...base, environment: body.environment, ...(body.comment === undefined ? {} : { note: body.comment }) };
    case 'release.rollback':
      return { ...base, environment: body.environment, note: body.reason };
    case 'finding.triage':
      return {
        ...base,
        fingerprint: body.fingerprint,
        triageState: body.state,
        note: body.reason,
        ...(body.until === undefined ? {} : { until: body.until }),
      };
    case 'vulnerability.accept':
      return {
        ...base,
        vulnerabilityId: body.vulnerabilityId,
        ...(body.packageName === undefined ? {} : { packageName: body.packageName }),
        until: body.until,
        note: body.reason,
      };
  }
}

function copyImage(image: ImageReference): ImageReference {
  return {
    registry: image.registry,
    repository: image.repository,
    ...(image.tag === undefined ? {} : { tag: image.tag }),
    digest: image.digest,
  };
}

/** Completed beats failed; then the later time; then the larger event id (any total order will do for replays). */
function outranks(a: { status: string; time: string; eventId: string }, b: { status: string; time: string; eventId: string }): boolean {
  const rank = (f: { status: string }) => (f.status === 'completed' ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) > rank(b);
  if (a.time !== b.time) return a.time > b.time;
  return a.eventId > b.eventId;
}

function pickAudit(current: AuditFact | undefined, next: AuditFact): AuditFact | undefined {
  if (!current) return next;
  if (current.eventId === next.eventId) return current;
  return outranks(next, current) ? next : current;
}

function pickScan(current: ScanFact | undefined, next: ScanFact): ScanFact {
  if (!current) return next;
  if (current.eventId === next.eventId) return current;
  return outranks(next, current) ? next : current;
}

/** Keeps the `max` smallest keys: which entries survive does not depend on arrival order. */
function boundRecord<T>(record: Record<string, T>, max: number): Record<string, T> {
  const keys = Object.keys(record).sort();
  return Object.fromEntries(keys.slice(0, max).map((k) => [k, record[k] as T]));
}

function compareActions(a: ActionFact, b: ActionFact): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0;
}

function latestActions(actions: Record<string, ActionFact>): Record<string, ActionFact> {
  const ordered = Object.values(actions).sort(compareActions).slice(-THREAD_LIMITS.actions);
  return Object.fromEntries(ordered.map((a) => [a.requestId, a]).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
