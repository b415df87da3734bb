import { z } from 'zod';

/**
 * One severity scale for secrets, manifest violations and vulnerabilities, so one policy threshold
 * reads the same for every gate. `unknown` is for advisories that publish no score.
 */
export const Severity = z.enum(['critical', 'high', 'medium', 'low', 'unknown']).meta({
  description: 'Severity, from `critical` down to `low`; `unknown` when the source gives none.',
});
export type Severity = z.infer<typeof Severity>;

/** Severities from most to least severe. */
export const SEVERITIES: readonly Severity[] = Severity.options;

const count = (description: string) => z.number().int().min(0).max(10_000_000).meta({ description });

/** How many items of each severity; counts cover every item, also those a list left out. */
export const SeverityCounts = z
  .object({
    /** Items of severity `critical`. */
    critical: count('Items of severity `critical`.'),
    /** Items of severity `high`. */
    high: count('Items of severity `high`.'),
    /** Items of severity `medium`. */
    medium: count('Items of severity `medium`.'),
    /** Items of severity `low`. */
    low: count('Items of severity `low`.'),
    /** Items without a known severity. */
    unknown: count('Items without a known severity.'),
  })
  .meta({ description: 'Number of items per severity.' });
export type SeverityCounts = z.infer<typeof SeverityCounts>;

/** Tallies severities; producers use it so counts always match what they report. */
export function countBySeverity(items: readonly { severity: Severity }[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
  for (const item of items) counts[item.severity] += 1;
  return counts;
}

/** The outcome of a gate. `error`: the check ran but its policy could not be evaluated; gates treat it as not passed. */
export const Verdict = z.enum(['pass', 'fail', 'error']).meta({
  description: '`pass`, `fail`, or `error` when the policy could not be evaluated (gates treat it as not passed).',
});
export type Verdict = z.infer<typeof Verdict>;

/** The policy a verdict was reached with, summarised for people and for the deploy gate. */
export const PolicySummary = z
  .object({
    /** Where the policy came from: the repository's `.portcullis.yaml` at that commit, or the platform default. */
    source: z.enum(['repository', 'default']).meta({
      description: "Where the policy came from: the repository's `.portcullis.yaml` at that commit, or the platform default.",
    }),
    /** Lowest severity that fails the gate. */
    failOn: Severity.meta({ description: 'Lowest severity that fails the gate.' }),
    /** Items left out of the verdict by suppressions, allowlists or triage decisions. */
    suppressed: z.number().int().min(0).max(10_000_000).meta({
      description: 'Items left out of the verdict by suppressions, allowlists or triage decisions.',
    }),
  })
  .meta({ description: 'Summary of the policy the verdict was reached with.' });
export type PolicySummary = z.infer<typeof PolicySummary>;
