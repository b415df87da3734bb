import {
  type AuditResults,
  type BodyOf,
  type BlockingItem,
  imageDigestKey,
  imageRepositoryKey,
  type OperatorCommands,
  type RegistryBuildAnnouncedEvent,
  type ScanResults,
  type Severity,
  SEVERITIES,
} from '@portcullis/contracts';
import { type ReleaseInput } from './reconcile-release.use-case.js';
import { type EnvironmentRecord, type ImageTestsGateInput, type ReleaseRecord } from './release.model.js';

/*
 * How each event changes a release's gate inputs. Pure functions of (record, event): a redelivered
 * event gives the same record, and a later result for the same gate replaces the earlier one (a
 * re-scan after an accepted vulnerability, a re-audit after triage).
 */

const MAX_ITEMS = 20;

function atLeast(severity: Severity, failOn: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(failOn);
}

export function auditInput(body: BodyOf<typeof AuditResults>): ReleaseInput {
  return (release) => {
    if (body.kind === 'audit.failed') {
      return { ...release, audit: { verdict: 'error', ref: body.ref, blockingCount: 0, items: [], failure: { code: body.code, message: body.message } } };
    }
    const blocking = body.findings.filter((f) => f.triage === 'open' && atLeast(f.severity, body.policy.failOn));
    const items: BlockingItem[] = blocking.slice(0, MAX_ITEMS).map((f) => ({ gate: 'secrets', id: f.ruleId, severity: f.severity, location: `${f.path}:${f.line}`.slice(0, 300) }));
    const counted = SEVERITIES.filter((s) => atLeast(s, body.policy.failOn)).reduce((sum, s) => sum + body.counts[s], 0);
    return { ...release, audit: { verdict: body.verdict, ref: body.ref, blockingCount: Math.max(counted, blocking.length), items } };
  };
}

export function buildInput(body: RegistryBuildAnnouncedEvent): ReleaseInput {
  return (release) => ({
    ...release,
    builds: [...release.builds.filter((b) => imageRepositoryKey(b) !== imageRepositoryKey(body.image)), body.image].slice(-20),
  });
}

export function scanInput(body: BodyOf<typeof ScanResults>): ReleaseInput {
  return (release) => {
    const key = imageDigestKey(body.image);
    if (body.kind === 'scan.failed') {
      return { ...release, scans: { ...release.scans, [key]: { image: body.image, verdict: 'error', blockingCount: 0, items: [], failure: { code: body.code, message: body.message } } } };
    }
    const blocking = body.vulnerabilities.filter((v) => !v.suppressed && atLeast(v.severity, body.policy.failOn) && (v.fixedVersion !== undefined || body.verdict === 'fail'));
    const items: BlockingItem[] = blocking.slice(0, MAX_ITEMS).map((v) => ({
      gate: 'image-scan',
      id: v.id,
      severity: v.severity,
      location: `${key} ${v.package.name}@${v.package.version}${v.fixedVersion ? ` (fixed in ${v.fixedVersion})` : ''}`.slice(0, 300),
    }));
    const imageTests = body.imageTests ? imageTestsInput(body.imageTests, key) : undefined;
    return { ...release, scans: { ...release.scans, [key]: { image: body.image, verdict: body.verdict, blockingCount: blocking.length, items, ...(imageTests ? { imageTests } : {}) } } };
  };
}

/** The image tests of one scan: what failed, then what did not run, each a blocking item at the image. */
function imageTestsInput(section: NonNullable<Extract<BodyOf<typeof ScanResults>, { kind: 'scan.completed' }>['imageTests']>, key: string): ImageTestsGateInput {
  const items: BlockingItem[] = [
    ...section.results.filter((r) => r.status === 'failed'),
    ...section.results.filter((r) => r.status === 'not-run'),
  ]
    .slice(0, MAX_ITEMS)
    .map((r) => ({ gate: 'image-tests', id: r.id.slice(0, 100), location: `${key}${r.reason ? ` ${r.reason}` : ''}`.slice(0, 300) }));
  if (section.problems && section.problems.length > 0) items.unshift({ gate: 'image-tests', id: 'IMAGE_TESTS_INVALID', location: `${key} ${section.problems[0]}`.slice(0, 300) });
  return {
    verdict: section.verdict,
    failed: section.failed,
    notRun: section.notRun,
    ...(section.problems && section.problems.length > 0 ? { problems: section.problems.slice(0, 5) } : {}),
    items: items.slice(0, MAX_ITEMS),
  };
}

type ReleaseCommand = Extract<BodyOf<typeof OperatorCommands>, { kind: 'release.approve' | 'release.promote' | 'release.rollback' }>;

/** Operator decisions land on the environment's record; the reconcile that follows acts on them. */
export function commandInput(body: ReleaseCommand): ReleaseInput {
  return (release: ReleaseRecord) => {
    const current: EnvironmentRecord = release.environments[body.environment] ?? { state: 'waiting', sequence: 0, reason: '', message: '' };
    const by = body.actor.name;
    const next: EnvironmentRecord =
      body.kind === 'release.approve'
        ? { ...current, approvedBy: by }
        : body.kind === 'release.promote'
          ? { ...current, promoteRequestedBy: by }
          : { ...current, rollbackRequested: { by, reason: body.reason } };
    return { ...release, environments: { ...release.environments, [body.environment]: next } };
  };
}
