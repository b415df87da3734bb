import type { Severity } from '@portcullis/contracts';
import type { Pattern } from '../engine/pattern.js';

/** What an allowlist's regexes are matched against. */
export type RegexTarget = 'secret' | 'match' | 'line';

/** A compiled allowlist: a finding it matches is not reported. */
export interface Allowlist {
  readonly description?: string;
  /** `OR`: any one criterion allows; `AND`: every criterion that is set must match. */
  readonly condition: 'OR' | 'AND';
  readonly regexTarget: RegexTarget;
  readonly regexes: readonly Pattern[];
  /** Matched against the file path. */
  readonly paths: readonly Pattern[];
  /** Lower-cased; a secret containing one (case-insensitively) is allowed. */
  readonly stopwords: readonly string[];
  /** Commit SHAs (or prefixes) whose findings are allowed. */
  readonly commits: readonly string[];
  /** Global allowlists only: restrict to these rule ids (gitleaks `targetRules`). */
  readonly targetRules?: readonly string[];
}

/** What a rule's own check sees of one match (our rules only). */
export interface MatchDetails {
  readonly secret: string;
  /** The whole regex match. */
  readonly match: string;
  /** The capture groups (index 0 = whole match). */
  readonly groups: readonly (string | undefined)[];
  /** Path of the file being scanned. */
  readonly path: string;
}

/** A rule ready to run. Built from our definitions or from a gitleaks config. */
export interface CompiledRule {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /** Absent for a path-only rule (the file's path itself is the finding, as in gitleaks). */
  readonly pattern: Pattern | undefined;
  /** Capture groups to take the secret from, first non-empty wins; empty = first non-empty group, else the whole match. */
  readonly secretGroups: readonly number[];
  /** Lower-cased; a rule runs only on text near one of them. Empty = runs on every file. */
  readonly keywords: readonly string[];
  /** Minimum Shannon entropy of the secret (strictly greater, as in gitleaks); 0 = none. */
  readonly entropy: number;
  /** The file path must match this (gitleaks `path`). */
  readonly path: Pattern | undefined;
  readonly allowlists: readonly Allowlist[];
  /** Leading characters of the secret a preview may show (a public prefix such as `ghp_`). */
  readonly reveal: number;
  /** The match may span lines (PEM blocks): the rule runs on a window from the keyword's line on. */
  readonly multiline: boolean;
  /** Lower = more specific. When two rules report the same value on one line, the lower one stays. */
  readonly priority: number;
  /** Placeholder/example values are dropped (always true for our rules; gitleaks rules too). */
  readonly skipPlaceholders: boolean;
  /** Extra check of our own rules (decodes, key-name filters); false drops the match. */
  readonly validate?: (details: MatchDetails) => boolean;
  /** Where the rule came from: `default` or the gitleaks config's name. */
  readonly source: string;
}
