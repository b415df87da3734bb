import { type ReleaseState } from '@portcullis/contracts';
import { type EnvironmentFact, fillTemplate, IMAGE_TESTS_STATUS_CONTEXT, imageTestsStatusOf, type ReleaseThread, type ScanFact } from '@portcullis/notify';

/** GitHub's limit for a status description; the strictest of the providers we post to. */
export const STATUS_DESCRIPTION_MAX = 140;

/** The provider-neutral state of one gate; each adapter maps it to its provider's vocabulary. */
export type CommitStatusState = 'pending' | 'success' | 'failure' | 'error';

/** Context names. Renaming one leaves the old context on every commit and breaks branch protection rules that require it. */
export const STATUS_CONTEXTS = {
  secrets: 'portcullis/secrets',
  imageScan: 'portcullis/image-scan',
  imageTests: IMAGE_TESTS_STATUS_CONTEXT,
  deployPrefix: 'portcullis/deploy-',
} as const;

/** What one context of a commit should show. */
export interface DesiredCommitStatus {
  /** `portcullis/secrets`, `portcullis/image-scan`, `portcullis/image-tests` or `portcullis/deploy-<env>`. */
  context: string;
  state: CommitStatusState;
  /** For people, at most `STATUS_DESCRIPTION_MAX` characters. Never a secret value. */
  description: string;
  /** Only for `pending`: the work is under way (GitLab shows `running`; the other providers have no such state). */
  running?: true;
  /** Where the status links to; absent when no template gives a usable http(s) URL. */
  targetUrl?: string;
}

/**
 * URL templates for the statuses' links, with `{provider}`, `{owner}`, `{name}`, `{sha}`,
 * `{releaseId}` and (for `deployUrl`) `{environment}`, each replaced URL-encoded (the `/` between
 * GitLab groups is kept). A context without its own template links to `releaseUrl`.
 */
export interface CommitStatusLinks {
  /** The release's page, e.g. `https://portcullis.example.com/releases/{releaseId}`. */
  releaseUrl: string;
  /** The secret findings, e.g. `…/releases/{releaseId}/findings`. */
  secretsUrl?: string;
  /** The image scan results, e.g. `…/releases/{releaseId}/scans`. */
  imageScanUrl?: string;
  /** The deployment in one environment, e.g. `…/releases/{releaseId}/environments/{environment}`. */
  deployUrl?: string;
}

/**
 * The status every gate of a release should show on its commit, sorted by context. Pure.
 *
 * - `portcullis/secrets` is always there: the audit starts on the push, so it is pending until it reports.
 * - `portcullis/image-scan` appears once the release has images (a build, a scan, or an environment
 *   that waits for the scan), so a repository that ships no image never keeps a pending status forever.
 * - `portcullis/image-tests` appears once a scan of the release carries image tests (the repository
 *   declares `imageTests:`), so a repository without tests never gets the context.
 * - `portcullis/deploy-<env>` appears for each environment the release has reached.
 */
export function statusesOf(thread: ReleaseThread, links: CommitStatusLinks): DesiredCommitStatus[] {
  const statuses: DesiredCommitStatus[] = [withUrl(secretsStatus(thread), fillUrl(links.secretsUrl ?? links.releaseUrl, thread))];
  const scan = imageScanStatus(thread);
  if (scan) statuses.push(withUrl(scan, fillUrl(links.imageScanUrl ?? links.releaseUrl, thread)));
  const tests = imageTestsStatusOf(thread);
  if (tests) statuses.push(withUrl(status(tests.context, tests.state, tests.description, tests.running === true), fillUrl(links.imageScanUrl ?? links.releaseUrl, thread)));
  for (const [environment, fact] of Object.entries(thread.environments)) {
    statuses.push(withUrl(deployStatus(environment, fact), fillUrl(links.deployUrl ?? links.releaseUrl, thread, environment)));
  }
  return statuses.sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : 0));
}

/** Cuts a description to the provider limit, on one line. */
export function boundDescription(text: string, max = STATUS_DESCRIPTION_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function status(context: string, state: CommitStatusState, description: string, running = false): DesiredCommitStatus {
  return { context, state, description: boundDescription(description), ...(running ? { running: true as const } : {}) };
}

function withUrl(s: DesiredCommitStatus, url: string | undefined): DesiredCommitStatus {
  return url === undefined ? s : { ...s, targetUrl: url };
}

function secretsStatus(thread: ReleaseThread): DesiredCommitStatus {
  const context = STATUS_CONTEXTS.secrets;
  const audit = thread.audit;
  if (!audit) return status(context, 'pending', 'Secret audit pending', true);
  if (audit.status === 'failed') return status(context, 'error', `Secret audit failed (${audit.code})`);
  switch (audit.verdict) {
    case 'pass':
      return status(
        context,
        'success',
        audit.findingsTotal === 0 ? 'No secrets found' : `No blocking secrets (${audit.findingsTotal} below ${audit.failOn})`,
      );
    case 'fail':
      return status(context, 'failure', `Secrets found: ${countsText(audit.counts)}`);
    case 'error':
      return status(context, 'error', 'Secret policy could not be evaluated');
  }
}

function imageScanStatus(thread: ReleaseThread): DesiredCommitStatus | undefined {
  const context = STATUS_CONTEXTS.imageScan;
  const expected = new Set([...Object.keys(thread.builds), ...Object.keys(thread.scans)]);
  const envWaits = Object.values(thread.environments).some((e) => e.waitingFor?.includes('image-scan') === true);
  if (expected.size === 0) return envWaits ? status(context, 'pending', 'Waiting for images to scan') : undefined;
  const scans = [...expected].map((key) => thread.scans[key]).filter((s): s is ScanFact => s !== undefined);
  const total = expected.size;
  const failed = scans.filter((s) => s.status === 'failed');
  if (failed.length > 0) return status(context, 'error', `Scan failed for ${failed.length} of ${total} image${plural(total)}`);
  const completed = scans.filter((s): s is Extract<ScanFact, { status: 'completed' }> => s.status === 'completed');
  const failing = completed.filter((s) => s.verdict === 'fail');
  if (failing.length > 0) {
    const counts = failing.reduce(
      (sum, s) => ({
        critical: sum.critical + s.counts.critical,
        high: sum.high + s.counts.high,
        medium: sum.medium + s.counts.medium,
        low: sum.low + s.counts.low,
        unknown: sum.unknown + s.counts.unknown,
      }),
      { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 },
    );
    return status(context, 'failure', `${failing.length} of ${total} image${plural(total)} fail: ${countsText(counts)}`);
  }
  if (completed.some((s) => s.verdict === 'error')) return status(context, 'error', 'Image policy could not be evaluated');
  if (completed.length < total) return status(context, 'pending', `Scanned ${completed.length} of ${total} image${plural(total)}`, true);
  return status(context, 'success', `${total === 1 ? '1 image passes' : `${total} images pass`} the vulnerability policy`);
}

function deployStatus(environment: string, fact: EnvironmentFact): DesiredCommitStatus {
  const context = `${STATUS_CONTEXTS.deployPrefix}${environment}`;
  const to: ReleaseState = fact.to;
  switch (to) {
    case 'waiting':
      return status(
        context,
        'pending',
        fact.waitingFor && fact.waitingFor.length > 0 ? `Waiting for ${fact.waitingFor.join(', ')}` : `Waiting to deploy to ${environment}`,
      );
    case 'blocked': {
      const b = fact.blocking;
      const parts = b
        ? [
            b.secrets > 0 ? `${b.secrets} secret${plural(b.secrets)}` : '',
            b.vulnerabilities > 0 ? `${b.vulnerabilities} vulnerabilit${b.vulnerabilities === 1 ? 'y' : 'ies'}` : '',
            b.policyViolations > 0 ? `${b.policyViolations} policy violation${plural(b.policyViolations)}` : '',
          ].filter((p) => p !== '')
        : [];
      return status(context, 'failure', parts.length > 0 ? `Blocked: ${parts.join(', ')}` : `Blocked: ${fact.message}`);
    }
    case 'approved':
      return status(context, 'pending', `Approved, deploying to ${environment} soon`, true);
    case 'deploying':
      return status(context, 'pending', `Deploying to ${environment} (${fact.strategy})`, true);
    case 'succeeded':
      return status(context, 'success', `Deployed to ${environment}`);
    case 'failed':
      return status(context, 'failure', `Deploy failed: ${fact.message}`);
    case 'rolled_back':
      return status(context, 'failure', `Rolled back: ${fact.message}`);
    case 'superseded':
      // Replaced after it went live: it was deployed. Replaced before: it never was, which is no success either.
      return fact.from === 'succeeded'
        ? status(context, 'success', `Deployed to ${environment}, since replaced by a newer release`)
        : status(context, 'error', `Not deployed: superseded by a newer release`);
  }
}

function countsText(counts: { critical: number; high: number; medium: number; low: number; unknown: number }): string {
  const parts = (['critical', 'high', 'medium', 'low', 'unknown'] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'none counted';
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}

/** Fills a template; `undefined` when the result is not an http(s) URL without credentials. */
function fillUrl(template: string, thread: ReleaseThread, environment?: string): string | undefined {
  const filled = fillTemplate(template, thread, { environment: environment ?? '' });
  if (filled === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return undefined;
  // GitLab refuses target URLs over 255 characters; a link that long is a template bug anyway.
  return filled.length <= 255 ? filled : undefined;
}
