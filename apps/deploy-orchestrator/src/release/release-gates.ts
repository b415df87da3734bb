import { type BlockingItem, type BlockingSummary, type GateName, imageDigestKey, imageRepositoryKey, type ImageReference } from '@portcullis/contracts';
import { type DeploySection, type EnvironmentSection } from './deploy-config.schema.js';
import { Reason, type ReleaseRecord } from './release.model.js';

/** What the gates that need no cluster say about a release in one environment. */
export type GateDecision =
  | { readonly kind: 'waiting'; readonly waitingFor: readonly GateName[]; readonly reason: Reason; readonly message: string }
  | { readonly kind: 'blocked'; readonly blocking: BlockingSummary; readonly reason: Reason; readonly message: string }
  | { readonly kind: 'passed'; readonly images: readonly ImageReference[] };

const MAX_ITEMS = 20;

/**
 * Decides the secrets, image-scan, image-tests and approval gates from what has arrived. Blocking wins over
 * waiting (a leaked token is worth saying at once, even while a scan is still running); a gate that
 * could not be evaluated (`audit.failed`, scan `error`) blocks: nothing unscanned reaches a cluster.
 * Image tests (when the repository declares them) block when one failed or did not run.
 * The manifest policy gate needs the rendered manifests and runs after this one passes.
 */
export function evaluateGates(release: ReleaseRecord, deploy: DeploySection, env: EnvironmentSection, approvedBy: string | undefined): GateDecision {
  const waiting: { gate: GateName; reason: Reason; message: string }[] = [];
  const blocking: BlockingItem[] = [];
  const counts = { secrets: 0, vulnerabilities: 0, policyViolations: 0, imageTests: 0 };
  const imageTestItems: BlockingItem[] = [];
  const why: { reason: Reason; message: string }[] = [];

  const audit = release.audit;
  if (!audit) waiting.push({ gate: 'secrets', reason: Reason.WaitingForAudit, message: 'waiting for the secret audit' });
  else if (audit.failure) {
    blocking.push({ gate: 'secrets', id: audit.failure.code, location: release.releaseId });
    why.push({ reason: Reason.AuditFailed, message: `the secret audit could not run (${audit.failure.code}): ${audit.failure.message}` });
  } else if (audit.verdict !== 'pass') {
    counts.secrets = audit.blockingCount;
    blocking.push(...audit.items);
    why.push({ reason: Reason.SecretsFound, message: `${audit.blockingCount} secret finding(s) block the release` });
  }

  const images: ImageReference[] = [];
  for (const repository of deploy.images) {
    const build = release.builds.find((b) => imageRepositoryKey(b) === repository);
    if (!build) {
      waiting.push({ gate: 'image-scan', reason: Reason.WaitingForBuild, message: `waiting for a build of ${repository}` });
      continue;
    }
    images.push(build);
    const scan = release.scans[imageDigestKey(build)];
    if (!scan) {
      waiting.push({ gate: 'image-scan', reason: Reason.WaitingForScan, message: `waiting for the scan of ${imageDigestKey(build)}` });
    } else if (scan.failure || scan.verdict === 'error') {
      blocking.push({ gate: 'image-scan', id: scan.failure?.code ?? 'SCAN_ERROR', location: imageDigestKey(build) });
      why.push({ reason: Reason.ScanFailed, message: `the scan of ${repository} could not reach a verdict${scan.failure ? ` (${scan.failure.code})` : ''}` });
    } else if (scan.verdict === 'fail') {
      counts.vulnerabilities += scan.blockingCount;
      blocking.push(...scan.items);
      why.push({ reason: Reason.VulnerabilitiesFound, message: `${scan.blockingCount} vulnerabilit${scan.blockingCount === 1 ? 'y' : 'ies'} in ${repository} block the release` });
    }
    const tests = scan?.imageTests;
    if (tests && tests.verdict !== 'passed') {
      // Incomplete blocks as failed does: a declared test that did not run is untested, and nothing untested ships.
      imageTestItems.push(
        ...(tests.items.length > 0 ? tests.items : [{ gate: 'image-tests' as const, id: tests.verdict === 'failed' ? 'IMAGE_TESTS_FAILED' : 'IMAGE_TESTS_INCOMPLETE', location: imageDigestKey(build) }]),
      );
      if (tests.problems && tests.problems.length > 0) {
        counts.imageTests += 1;
        why.push({ reason: Reason.ImageTestsFailed, message: `the image tests of ${repository} are invalid in .portcullis.yaml: ${tests.problems[0]}` });
      } else if (tests.verdict === 'failed') {
        counts.imageTests += tests.failed + tests.notRun;
        why.push({
          reason: Reason.ImageTestsFailed,
          message: `${tests.failed} image test${tests.failed === 1 ? '' : 's'} of ${repository} failed${tests.notRun > 0 ? ` and ${tests.notRun} did not run` : ''}`,
        });
      } else {
        counts.imageTests += tests.notRun;
        why.push({ reason: Reason.ImageTestsIncomplete, message: `${tests.notRun} image test${tests.notRun === 1 ? '' : 's'} of ${repository} did not run` });
      }
    }
  }
  // After the other gates' items: a vulnerability or a leaked secret says more than a test id.
  blocking.push(...imageTestItems);

  if (blocking.length > 0) {
    const first = why[0] ?? { reason: Reason.SecretsFound, message: 'gates block the release' };
    return {
      kind: 'blocked',
      reason: first.reason,
      message: why.map((w) => w.message).join('; '),
      blocking: { secrets: counts.secrets, vulnerabilities: counts.vulnerabilities, policyViolations: counts.policyViolations, ...(counts.imageTests > 0 ? { imageTests: counts.imageTests } : {}), items: blocking.slice(0, MAX_ITEMS) },
    };
  }
  if (waiting.length === 0 && env.approval && !approvedBy) {
    waiting.push({ gate: 'approval', reason: Reason.WaitingForApproval, message: `waiting for approval to deploy to ${env.name}` });
  }
  if (waiting.length > 0) {
    return {
      kind: 'waiting',
      waitingFor: [...new Set(waiting.map((w) => w.gate))],
      reason: waiting[0]!.reason,
      message: waiting.map((w) => w.message).join('; '),
    };
  }
  return { kind: 'passed', images };
}

/** Whether `ref` (e.g. `refs/heads/main`) is a branch the environment deploys from. */
export function deploysFrom(env: EnvironmentSection, ref: string | undefined): boolean {
  if (!env.branches) return true;
  if (!ref?.startsWith('refs/heads/')) return false;
  return env.branches.includes(ref.slice('refs/heads/'.length));
}
