import { SEVERITIES, type ImageReference, type Severity, type SeverityCounts } from '@portcullis/contracts';
import type { ReleaseThread } from '../thread/release-thread.js';
import { escapeMrkdwn, link } from './slack-limits.js';

/**
 * Links the caller owns: URL templates with `{provider}`, `{owner}`, `{name}`, `{sha}` and
 * `{releaseId}` placeholders, each replaced URL-encoded (an owner's `/` between GitLab groups is kept).
 */
export interface ReleaseLinks {
  /** e.g. `https://github.com/{owner}/{name}/commit/{sha}`. */
  commitUrl?: string;
  /** Where the findings of a release are listed, e.g. `https://portcullis.example.com/releases/{releaseId}/findings`. */
  findingsUrl?: string;
}

/** `acme/shop-api@a3c1f0e`. */
export function releaseTitle(thread: ReleaseThread): string {
  return `${thread.repository.owner}/${thread.repository.name}@${shortSha(thread.sha)}`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** The release id with the commit shortened, for "superseded by …". */
export function shortRelease(releaseId: string): string {
  const at = releaseId.lastIndexOf('@');
  return at < 0 ? releaseId : `${releaseId.slice(0, at)}@${shortSha(releaseId.slice(at + 1))}`;
}

/** `main` for `refs/heads/main`, `tag v1.2.0` for `refs/tags/v1.2.0`. */
export function refLabel(ref: string): string {
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  if (ref.startsWith('refs/tags/')) return `tag ${ref.slice('refs/tags/'.length)}`;
  return ref;
}

/**
 * Fills a link template for the release (`{provider} {owner} {name} {sha} {releaseId}`, plus the
 * caller's `extra` placeholders, e.g. `{environment}`); `undefined` without a template or when the
 * result is not a usable URL.
 */
export function fillTemplate(template: string | undefined, thread: ReleaseThread, extra: Readonly<Record<string, string>> = {}): string | undefined {
  if (!template) return undefined;
  const values: Record<string, string> = {
    provider: encodeURIComponent(thread.repository.provider),
    owner: thread.repository.owner.split('/').map(encodeURIComponent).join('/'),
    name: encodeURIComponent(thread.repository.name),
    sha: encodeURIComponent(thread.sha),
    releaseId: encodeURIComponent(thread.releaseId),
    ...Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, encodeURIComponent(value)])),
  };
  const url = template.replace(/\{([A-Za-z]+)\}/g, (match, key: string) => values[key] ?? match);
  return link(url, 'x') ? url : undefined;
}

/** `acme/shop-api:1.4.2` (the registry host is noise in a channel; the digest is shown apart). */
export function imageLabel(image: ImageReference): string {
  return `${image.repository}${image.tag ? `:${image.tag}` : ''}`;
}

/** `sha256:4f4f4f4f4f4f`. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, unknown: 0 };

/** True when `severity` is `min` or more severe. `unknown` is only below `low`. */
export function atLeast(severity: Severity, min: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[min];
}

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':white_circle:',
  unknown: ':black_circle:',
};

/** `1 critical, 3 high` — zero counts left out; `none` when all are zero. */
export function countsLabel(counts: SeverityCounts): string {
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Event text for mrkdwn: escaped and on one line. */
export function inline(text: string): string {
  return escapeMrkdwn(text.replace(/\s+/g, ' ').trim());
}

/** Slack mention syntax for user (`U…`/`W…`) and user-group (`S…`) ids; anything else is dropped. */
export function mentionsText(ids: readonly string[]): string {
  return ids
    .map((id) => (/^[UW][A-Z0-9]{2,20}$/.test(id) ? `<@${id}>` : /^S[A-Z0-9]{2,20}$/.test(id) ? `<!subteam^${id}>` : ''))
    .filter((m) => m.length > 0)
    .join(' ');
}
