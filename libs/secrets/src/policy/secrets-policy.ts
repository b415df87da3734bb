import { Severity } from '@portcullis/contracts';
import { matchesGlob } from 'node:path/posix';
import { z } from 'zod';

/*
 * The `secrets:` section of a repository's `.portcullis.yaml`: what the secret-auditor judges a
 * pushed commit by, and what `portcullis secrets scan` applies locally, so both agree on a
 * repository. The caller parses the YAML and hands the section over. Everything is bounded: the
 * file comes from any pusher.
 */

const Fingerprint = z.string().regex(/^[0-9a-f]{64}$/, 'a fingerprint: 64 lower-case hex characters, as audit.completed reports it');
const RuleId = z.string().min(1).max(100).regex(/^[A-Za-z0-9._:-]+$/, 'a rule id: letters, digits and . _ : -');
const Glob = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !value.includes('\0'), 'a glob without NUL characters');

/** `2027-01-31` (through the end of that day, UTC) or a full RFC 3339 time. */
const Until = z.union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'a date (2027-01-31) or an RFC 3339 time' }).transform(endOfDayIfDate);

/** A date alone means "through that day": the last second of it in UTC. */
export function endOfDayIfDate(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.000Z` : new Date(value).toISOString();
}

const suppressionFields = {
  /** Why the finding does not count. */
  reason: z.string().trim().min(1).max(500),
  /** When the suppression expires; required, so nothing is silenced forever by accident. */
  until: Until,
  /** Who answers for it: a person or team handle. */
  owner: z.string().trim().min(1).max(200),
};

/** Suppress one secret (by fingerprint) or one rule in some paths. */
const Suppression = z.union(
  [
    z.strictObject({ fingerprint: Fingerprint, ...suppressionFields }),
    z.strictObject({ ruleId: RuleId, path: Glob, ...suppressionFields }),
  ],
  { error: 'a suppression needs either `fingerprint`, or `ruleId` and `path` (a glob), plus `reason`, `until` and `owner`' },
);

/** The `secrets:` section. Unknown keys are refused, so a typo (`failon`) is an error, not a silent default. */
export const SecretsPolicySection = z.strictObject({
  /** Lowest severity that fails the audit. */
  failOn: Severity.optional(),
  suppressions: z.array(Suppression).max(500).optional(),
  paths: z
    .strictObject({
      /** Files never scanned (vendored code, test fixtures). */
      ignore: z.array(Glob).max(200).optional(),
    })
    .optional(),
});
export type SecretsPolicySection = z.input<typeof SecretsPolicySection>;

/** A suppression ready to match: `until` normalised to an instant. */
export type Suppression =
  | { readonly fingerprint: string; readonly reason: string; readonly until: string; readonly owner: string }
  | { readonly ruleId: string; readonly path: string; readonly reason: string; readonly until: string; readonly owner: string };

/** The policy an audit is judged by. */
export interface SecretsPolicy {
  /** `repository` when the commit's `.portcullis.yaml` has a `secrets:` section, else `default`. */
  readonly source: 'repository' | 'default';
  readonly failOn: Severity;
  readonly suppressions: readonly Suppression[];
  readonly ignorePaths: readonly string[];
}

export type PolicyResolution = { readonly ok: true; readonly policy: SecretsPolicy } | { readonly ok: false; readonly problems: readonly string[]; readonly fallback: SecretsPolicy };

/** The platform policy: fail on `high` and above unless SECRET_DEFAULT_FAIL_ON says otherwise. */
export function defaultSecretsPolicy(failOn: Severity = 'high'): SecretsPolicy {
  return { source: 'default', failOn, suppressions: [], ignorePaths: [] };
}

/**
 * Validates the `secrets:` section (`undefined` when the file or the section is absent). An invalid
 * section yields every problem, each with its path (`secrets.suppressions[2].until: …`), and the
 * default policy as a fallback: the audit still runs and reports verdict `error`.
 */
export function resolveSecretsPolicy(section: unknown, platformFailOn: Severity = 'high'): PolicyResolution {
  const fallback = defaultSecretsPolicy(platformFailOn);
  if (section === undefined || section === null) return { ok: true, policy: fallback };
  const parsed = SecretsPolicySection.safeParse(section);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${['secrets', ...issue.path.map(String)].join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')}: ${issue.message}`), fallback };
  }
  const value = parsed.data;
  return {
    ok: true,
    policy: {
      source: 'repository',
      failOn: value.failOn ?? platformFailOn,
      suppressions: value.suppressions ?? [],
      ignorePaths: value.paths?.ignore ?? [],
    },
  };
}

/** True when `path` is under one of the policy's `paths.ignore` globs: the use case does not scan it. */
export function isIgnoredPath(policy: Pick<SecretsPolicy, 'ignorePaths'>, path: string): boolean {
  return policy.ignorePaths.some((glob) => matchesGlob(path, glob));
}

/** The suppression that applies to a finding now, if any; expired suppressions never apply. */
export function suppressionFor(
  policy: Pick<SecretsPolicy, 'suppressions'>,
  finding: { readonly fingerprint: string; readonly ruleId: string; readonly path: string },
  now: Date,
): Suppression | undefined {
  return policy.suppressions.find((s) => {
    if (Date.parse(s.until) <= now.getTime()) return false;
    return 'fingerprint' in s ? s.fingerprint === finding.fingerprint : s.ruleId === finding.ruleId && matchesGlob(finding.path, s.path);
  });
}
