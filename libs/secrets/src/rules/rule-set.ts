import { SecretsConfigError } from '../errors.js';
import { KeywordAutomaton } from '../engine/keyword-automaton.js';
import { nativePattern } from '../engine/pattern.js';
import { DEFAULT_RULES, type RuleDefinition } from './default-rules.js';
import { loadGitleaksConfig, type GitleaksConfigSource } from './gitleaks-config.js';
import type { Allowlist, CompiledRule } from './rule.js';

/**
 * Which rules a scanner runs. Serialisable on purpose: a worker thread rebuilds the same rule set
 * from it (compiled regexes cannot cross threads).
 */
export interface RuleSetOptions {
  /** Our default rules. Default true. A gitleaks config with `[extend] useDefault = true` turns them on as well. */
  readonly includeDefaults?: boolean;
  /** gitleaks TOML configs (their text), applied in order: a later rule with the same id replaces an earlier one. */
  readonly gitleaksConfigs?: readonly GitleaksConfigSource[];
  /** Rule ids to drop. */
  readonly disabledRules?: readonly string[];
}

/** A compiled rule set with its keyword prefilter. */
export interface RuleSet {
  readonly rules: readonly CompiledRule[];
  readonly globalAllowlists: readonly Allowlist[];
  readonly automaton: KeywordAutomaton;
  /** Rule indices per keyword index of the automaton. */
  readonly rulesByKeyword: readonly (readonly number[])[];
  /**
   * Keyword indices from this one on are the inline allow markers (`portcullis:allow`,
   * `gitleaks:allow`): the prefilter finds them in the same pass as the rules' keywords.
   */
  readonly firstAllowMarker: number;
  /** Rules with a regex and no keyword: they run on all text (keep these few). */
  readonly unkeyedRules: readonly number[];
  /** Rules with a path and no regex: the file path alone is the finding. */
  readonly pathOnlyRules: readonly number[];
}

/** Comments that keep a line's findings out of the report; gitleaks' marker for teams migrating. */
export const INLINE_ALLOW_MARKERS = ['portcullis:allow', 'gitleaks:allow'] as const;

/** gitleaks' rule ids for which ours stand in, so `disabledRules = ["generic-api-key"]` keeps working. */
const GITLEAKS_ALIASES: Readonly<Record<string, readonly string[]>> = {
  'generic-api-key': ['generic-secret', 'generic-password', 'generic-secret-xml'],
  'aws-access-token': ['aws-access-key-id'],
  'slack-webhook': ['slack-webhook-url'],
  'stripe-access-token': ['stripe-live-key', 'stripe-test-key'],
};

/** Lockfiles hold integrity hashes and URLs, never credentials worth a finding. */
const DEFAULT_GLOBAL_ALLOWLIST: Allowlist = {
  description: 'lockfiles and vendored dependency manifests',
  condition: 'OR',
  regexTarget: 'secret',
  regexes: [],
  paths: [
    nativePattern(/(?:^|\/)(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|go\.sum|Cargo\.lock|poetry\.lock|Pipfile\.lock|composer\.lock|Gemfile\.lock|packages\.lock\.json|gradle\.lockfile|uv\.lock|bun\.lock)$/),
  ],
  stopwords: [],
  commits: [],
};

/** Compiles one of our definitions. */
export function compileDefinition(def: RuleDefinition): CompiledRule {
  const groups = def.secretGroup === undefined ? [1] : typeof def.secretGroup === 'number' ? [def.secretGroup] : [...def.secretGroup];
  return {
    id: def.id,
    description: def.description,
    severity: def.severity,
    pattern: nativePattern(def.regex),
    secretGroups: groups,
    keywords: def.keywords.map((k) => k.toLowerCase()),
    entropy: def.entropy ?? 0,
    path: undefined,
    allowlists:
      def.stopwords && def.stopwords.length > 0
        ? [{ condition: 'OR', regexTarget: 'secret', regexes: [], paths: [], stopwords: def.stopwords.map((s) => s.toLowerCase()), commits: [] }]
        : [],
    reveal: def.reveal ?? 0,
    multiline: def.multiline ?? false,
    priority: def.priority ?? 10,
    skipPlaceholders: def.ownPlaceholderCheck !== true,
    ...(def.validate ? { validate: def.validate } : {}),
    source: 'default',
  };
}

let defaultRulesCache: readonly CompiledRule[] | undefined;
function defaultRules(): readonly CompiledRule[] {
  return (defaultRulesCache ??= DEFAULT_RULES.map(compileDefinition));
}

/**
 * Builds a rule set: our defaults and/or gitleaks configs, minus disabled rules, with one keyword
 * automaton over all rules. Throws `SecretsConfigError` for a bad config.
 */
export function buildRuleSet(options: RuleSetOptions = {}): RuleSet {
  const configs = (options.gitleaksConfigs ?? []).map(loadGitleaksConfig);
  const withDefaults = (options.includeDefaults ?? true) || configs.some((c) => c.useDefault);
  const byId = new Map<string, CompiledRule>();
  if (withDefaults) for (const rule of defaultRules()) byId.set(rule.id, rule);
  const globalAllowlists: Allowlist[] = withDefaults ? [DEFAULT_GLOBAL_ALLOWLIST] : [];

  const disabled = new Set<string>();
  const disable = (id: string): void => {
    disabled.add(id);
    for (const alias of GITLEAKS_ALIASES[id] ?? []) disabled.add(alias);
  };
  for (const config of configs) {
    config.disabledRules.forEach(disable);
    for (const rule of config.rules) byId.set(rule.id, rule);
    for (const extension of config.ruleExtensions) {
      const targets = [extension.id, ...(GITLEAKS_ALIASES[extension.id] ?? [])].filter((id) => byId.has(id));
      if (targets.length === 0) {
        throw new SecretsConfigError('INVALID_RULE', `gitleaks config "${config.name}": rule "${extension.id}" needs a regex or a path (no rule of that id to extend)`);
      }
      for (const id of targets) {
        const base = byId.get(id) as CompiledRule;
        byId.set(id, {
          ...base,
          allowlists: [...base.allowlists, ...extension.allowlists],
          ...(extension.keywords ? { keywords: extension.keywords } : {}),
          ...(extension.entropy !== undefined ? { entropy: extension.entropy } : {}),
        });
      }
    }
    globalAllowlists.push(...config.allowlists);
  }
  (options.disabledRules ?? []).forEach(disable);

  const rules = [...byId.values()].filter((r) => !disabled.has(r.id));
  if (rules.length === 0) throw new SecretsConfigError('INVALID_OPTIONS', 'the rule set is empty: enable the default rules or give a gitleaks config with rules');

  const keywordIndex = new Map<string, number>();
  const rulesByKeyword: number[][] = [];
  const unkeyedRules: number[] = [];
  const pathOnlyRules: number[] = [];
  rules.forEach((rule, index) => {
    if (rule.pattern === undefined) {
      pathOnlyRules.push(index);
      return;
    }
    if (rule.keywords.length === 0) {
      unkeyedRules.push(index);
      return;
    }
    for (const keyword of new Set(rule.keywords)) {
      let k = keywordIndex.get(keyword);
      if (k === undefined) {
        k = rulesByKeyword.length;
        keywordIndex.set(keyword, k);
        rulesByKeyword.push([]);
      }
      rulesByKeyword[k].push(index);
    }
  });
  const firstAllowMarker = rulesByKeyword.length;
  for (let i = 0; i < INLINE_ALLOW_MARKERS.length; i++) rulesByKeyword.push([]);
  return {
    rules,
    globalAllowlists,
    automaton: new KeywordAutomaton([...keywordIndex.keys(), ...INLINE_ALLOW_MARKERS]),
    rulesByKeyword,
    firstAllowMarker,
    unkeyedRules,
    pathOnlyRules,
  };
}
