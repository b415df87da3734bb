import { Severity } from '@portcullis/contracts';
import { z } from 'zod';
import { type TrivyIgnoreEntry } from './trivyignore.parser.js';

/*
 * The `images:` section of a repository's `.portcullis.yaml`, read at the commit an image was built
 * from. The caller parses the YAML and hands the section over (as the secret-auditor does with
 * `secrets:`). Everything is bounded: the file comes from any pusher.
 */

/** CVE, GHSA, DSA, GO-… ids, as the scan reports them (`scan.completed` ids and aliases). */
const AdvisoryId = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'an advisory id (CVE-2024-3094, GHSA-xxxx-xxxx-xxxx): letters, digits and . _ : -');
const PackageName = z.string().trim().min(1).max(200);

/** `2027-01-31` (through the end of that day, UTC) or a full RFC 3339 time. */
const Until = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'a date (2027-01-31) or an RFC 3339 time' }).transform(endOfDayIfDate);

/** A date alone means "through that day": the last second of it in UTC. */
export function endOfDayIfDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.000Z` : new Date(value).toISOString();
}

const SuppressionEntry = z.strictObject({
  /** The advisory; matches a finding's id or one of its aliases. */
  id: AdvisoryId,
  /** Only in this package (its name as `scan.completed` reports it); every package when absent. */
  package: PackageName.optional(),
  /** When the suppression expires; required, so nothing is silenced forever by accident. */
  until: Until,
  /** Why the finding does not count (becomes the OpenVEX impact statement). */
  reason: z.string().trim().min(1).max(500),
  /** Who answers for it: a person or team handle. */
  owner: z.string().trim().min(1).max(200),
});

/** The `images:` section. Unknown keys are refused, so a typo (`failon`) is an error, not a silent default. */
export const ImagesPolicySection = z.strictObject({
  /** Lowest severity that fails the scan. */
  failOn: Severity.optional(),
  /** Only findings with a fixed version fail the scan (default true). */
  fixableOnly: z.boolean().optional(),
  suppressions: z.array(SuppressionEntry).max(500).optional(),
});
export type ImagesPolicySection = z.input<typeof ImagesPolicySection>;

/** A suppression ready to match: `until` normalised to an instant (absent: a `.trivyignore` line without `exp:`). */
export interface ImageSuppression {
  readonly id: string;
  readonly package?: string;
  readonly until?: string;
  readonly reason: string;
  readonly owner: string;
  /** The file it came from. */
  readonly origin: '.portcullis.yaml' | '.trivyignore';
}

/** The policy a scan is judged by. */
export interface ImagePolicy {
  readonly failOn: Severity;
  /** Only findings with a fix fail the verdict: a finding nobody can act on yet does not block a release. */
  readonly requireFix: boolean;
  readonly suppressions: readonly ImageSuppression[];
}

/** The platform default (SCAN_DEFAULT_FAIL_ON, fixes only, nothing suppressed). */
export function defaultImagePolicy(base: { failOn: Severity; requireFix: boolean } = { failOn: 'high', requireFix: true }): ImagePolicy {
  return { failOn: base.failOn, requireFix: base.requireFix, suppressions: [] };
}

export type ImagePolicyResolution =
  | { readonly ok: true; readonly policy: ImagePolicy; readonly source: 'repository' | 'default' }
  | { readonly ok: false; readonly problems: readonly string[]; readonly fallback: ImagePolicy };

/**
 * Validates the `images:` section (`undefined` when the file or the section is absent) and adds the
 * `.trivyignore` entries. An invalid section yields every problem, each with its path
 * (`images.suppressions[2].until: …`), and the default policy as a fallback: the scan still runs
 * and reports verdict `error`.
 */
export function resolveImagePolicy(
  section: unknown,
  options: { trivyignore?: readonly TrivyIgnoreEntry[]; platform?: { failOn: Severity; requireFix: boolean } } = {},
): ImagePolicyResolution {
  const fallback = defaultImagePolicy(options.platform);
  const ignored: ImageSuppression[] = (options.trivyignore ?? []).map((entry) => ({
    id: entry.id,
    ...(entry.until ? { until: entry.until } : {}),
    reason: entry.reason ?? 'listed in .trivyignore',
    owner: '.trivyignore',
    origin: '.trivyignore',
  }));
  if (section === undefined || section === null) {
    return ignored.length === 0 ? { ok: true, policy: fallback, source: 'default' } : { ok: true, policy: { ...fallback, suppressions: ignored }, source: 'repository' };
  }
  const parsed = ImagesPolicySection.safeParse(section);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${['images', ...issue.path.map(String)].join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')}: ${issue.message}`), fallback };
  }
  const value = parsed.data;
  return {
    ok: true,
    source: 'repository',
    policy: {
      failOn: value.failOn ?? fallback.failOn,
      requireFix: value.fixableOnly ?? fallback.requireFix,
      suppressions: [...(value.suppressions ?? []).map((s) => ({ ...s, origin: '.portcullis.yaml' as const })), ...ignored],
    },
  };
}
