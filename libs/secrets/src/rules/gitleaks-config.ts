import type { Severity } from '@portcullis/contracts';
import { parse, TomlError } from 'smol-toml';
import { SecretsConfigError } from '../errors.js';
import { re2Pattern, type Pattern } from '../engine/pattern.js';
import type { Allowlist, CompiledRule, RegexTarget } from './rule.js';

/** A gitleaks config as text, with a name (usually its file name) used in error messages. */
export interface GitleaksConfigSource {
  readonly name: string;
  readonly toml: string;
}

/** What one gitleaks config contributes to a rule set. */
export interface LoadedGitleaksConfig {
  readonly name: string;
  /** Complete rules (with a regex or a path). */
  readonly rules: readonly CompiledRule[];
  /**
   * Rules with an id and allowlists but no regex or path: in gitleaks' `[extend]` model they add
   * allowlists (and keywords/entropy, when set) to the base rule of the same id.
   */
  readonly ruleExtensions: readonly RuleExtension[];
  readonly allowlists: readonly Allowlist[];
  /** `[extend] useDefault = true`: our default rules stand in for gitleaks' defaults. */
  readonly useDefault: boolean;
  readonly disabledRules: readonly string[];
}

export interface RuleExtension {
  readonly id: string;
  readonly allowlists: readonly Allowlist[];
  readonly keywords?: readonly string[];
  readonly entropy?: number;
}

/** Severity of gitleaks rules, which carry none: high, as a leaked credential usually is. */
const GITLEAKS_SEVERITY: Severity = 'high';
/** A user's rule is tried after ours when both report the same value on one line. */
const GITLEAKS_PRIORITY = 30;

type Table = Record<string, unknown>;

/**
 * Parses a gitleaks (v8) TOML config into compiled rules. Regexes are RE2 (Go) syntax and compiled
 * with re2js, so an untrusted config cannot make a scan backtrack. Errors name the config and the
 * rule id, never an allowlist regex or TOML text (those may hold the very values people allowlist).
 */
export function loadGitleaksConfig(source: GitleaksConfigSource): LoadedGitleaksConfig {
  const where = `gitleaks config "${source.name}"`;
  let doc: Table;
  try {
    doc = parse(source.toml) as Table;
  } catch (error) {
    const at = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : '';
    throw new SecretsConfigError('INVALID_TOML', `${where}: invalid TOML${at}`);
  }

  const extend = optionalTable(doc['extend'], `${where}: [extend]`) ?? {};
  if (extend['path'] !== undefined || extend['url'] !== undefined) {
    throw new SecretsConfigError('UNSUPPORTED_CONFIG', `${where}: [extend] path/url is not supported; pass every config's text instead`);
  }
  const useDefault = optionalBoolean(extend['useDefault'], `${where}: [extend] useDefault`) ?? false;
  const disabledRules = stringArray(extend['disabledRules'], `${where}: [extend] disabledRules`);

  const rules: CompiledRule[] = [];
  const ruleExtensions: RuleExtension[] = [];
  const rawRules = doc['rules'];
  if (rawRules !== undefined && !Array.isArray(rawRules)) {
    throw new SecretsConfigError('INVALID_RULE', `${where}: rules must be an array of tables ([[rules]])`);
  }
  const seen = new Set<string>();
  (rawRules ?? []).forEach((raw: unknown, index: number) => {
    const rule = optionalTable(raw, `${where}: rules[${index}]`) ?? {};
    const id = rule['id'];
    if (typeof id !== 'string' || id.trim() === '') {
      throw new SecretsConfigError('INVALID_RULE', `${where}: rules[${index}] has no id`);
    }
    const at = `${where}: rule "${id}"`;
    if (seen.has(id)) throw new SecretsConfigError('INVALID_RULE', `${at}: duplicate rule id`);
    seen.add(id);
    const regexSource = optionalString(rule['regex'], `${at}: regex`);
    const pathSource = optionalString(rule['path'], `${at}: path`);
    const keywords = stringArray(rule['keywords'], `${at}: keywords`).map((k) => k.toLowerCase());
    const entropy = optionalNumber(rule['entropy'], `${at}: entropy`);
    const allowlists = ruleAllowlists(rule, at);

    if (regexSource === undefined && pathSource === undefined) {
      if (allowlists.length === 0 && keywords.length === 0 && entropy === undefined) {
        throw new SecretsConfigError('INVALID_RULE', `${at}: needs a regex or a path`);
      }
      ruleExtensions.push({ id, allowlists, ...(keywords.length > 0 ? { keywords } : {}), ...(entropy !== undefined ? { entropy } : {}) });
      return;
    }
    const pattern = regexSource === undefined ? undefined : compile(regexSource, `${at}: regex`);
    const secretGroup = optionalNumber(rule['secretGroup'], `${at}: secretGroup`) ?? 0;
    if (!Number.isInteger(secretGroup) || secretGroup < 0) {
      throw new SecretsConfigError('INVALID_RULE', `${at}: secretGroup must be a non-negative integer`);
    }
    rules.push({
      id,
      description: optionalString(rule['description'], `${at}: description`) ?? id,
      severity: GITLEAKS_SEVERITY,
      pattern,
      secretGroups: secretGroup > 0 ? [secretGroup] : [],
      keywords,
      entropy: entropy ?? 0,
      path: pathSource === undefined ? undefined : compile(pathSource, `${at}: path`),
      allowlists,
      reveal: 0,
      // Whole-block rules (PEM and the like) must see past the keyword's line; other rules match within it.
      multiline: regexSource !== undefined && /BEGIN|\(\?[a-z]*s|\[\\s\\S\]|\\n/.test(regexSource),
      priority: GITLEAKS_PRIORITY,
      skipPlaceholders: true,
      source: source.name,
    });
  });

  const allowlists: Allowlist[] = [];
  const globalOld = optionalTable(doc['allowlist'], `${where}: [allowlist]`);
  if (globalOld) allowlists.push(allowlistOf(globalOld, `${where}: [allowlist]`, true));
  const globalNew = doc['allowlists'];
  if (globalNew !== undefined) {
    if (!Array.isArray(globalNew)) throw new SecretsConfigError('INVALID_RULE', `${where}: allowlists must be [[allowlists]]`);
    globalNew.forEach((raw: unknown, i: number) => {
      const at = `${where}: allowlists[${i}]`;
      allowlists.push(allowlistOf(optionalTable(raw, at) ?? {}, at, true));
    });
  }
  return { name: source.name, rules, ruleExtensions, allowlists, useDefault, disabledRules };
}

function ruleAllowlists(rule: Table, at: string): Allowlist[] {
  const result: Allowlist[] = [];
  const single = optionalTable(rule['allowlist'], `${at}: allowlist`);
  if (single) result.push(allowlistOf(single, `${at}: allowlist`, false));
  const many = rule['allowlists'];
  if (many !== undefined) {
    if (!Array.isArray(many)) throw new SecretsConfigError('INVALID_RULE', `${at}: allowlists must be [[rules.allowlists]]`);
    many.forEach((raw: unknown, i: number) => {
      const where = `${at}: allowlists[${i}]`;
      result.push(allowlistOf(optionalTable(raw, where) ?? {}, where, false));
    });
  }
  return result;
}

function allowlistOf(table: Table, at: string, global: boolean): Allowlist {
  const condition = (optionalString(table['condition'], `${at}: condition`) ?? 'OR').toUpperCase();
  if (condition !== 'OR' && condition !== 'AND') {
    throw new SecretsConfigError('INVALID_RULE', `${at}: condition must be "OR" or "AND"`);
  }
  const target = optionalString(table['regexTarget'], `${at}: regexTarget`) ?? 'secret';
  if (target !== 'secret' && target !== 'match' && target !== 'line') {
    throw new SecretsConfigError('INVALID_RULE', `${at}: regexTarget must be "secret", "match" or "line"`);
  }
  const targetRules = stringArray(table['targetRules'], `${at}: targetRules`);
  if (!global && targetRules.length > 0) {
    throw new SecretsConfigError('INVALID_RULE', `${at}: targetRules is only allowed in a global [[allowlists]]`);
  }
  const description = optionalString(table['description'], `${at}: description`);
  const allowlist: Allowlist = {
    ...(description === undefined ? {} : { description }),
    condition,
    regexTarget: target as RegexTarget,
    // Allowlist regexes often spell out an allowed value: their text never goes into an error.
    regexes: stringArray(table['regexes'], `${at}: regexes`).map((r, i) => compile(r, `${at}: regexes[${i}]`)),
    paths: stringArray(table['paths'], `${at}: paths`).map((r, i) => compile(r, `${at}: paths[${i}]`)),
    stopwords: stringArray(table['stopwords'], `${at}: stopwords`).map((s) => s.toLowerCase()),
    commits: stringArray(table['commits'], `${at}: commits`),
    ...(targetRules.length > 0 ? { targetRules } : {}),
  };
  if (allowlist.regexes.length + allowlist.paths.length + allowlist.stopwords.length + allowlist.commits.length === 0) {
    throw new SecretsConfigError('INVALID_RULE', `${at}: an allowlist needs regexes, paths, stopwords or commits`);
  }
  return allowlist;
}

function compile(source: string, at: string): Pattern {
  try {
    return re2Pattern(source);
  } catch (error) {
    // re2js quotes the offending fragment in backticks; keep the reason, drop the fragment.
    const reason = error instanceof Error ? error.message.replace(/`[^`]*`?/g, '').replace(/:\s*$/, '').slice(0, 120) : 'syntax error';
    throw new SecretsConfigError('INVALID_REGEX', `${at} is not a valid RE2 regex (${reason.trim()})`);
  }
}

function optionalTable(value: unknown, at: string): Table | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SecretsConfigError('INVALID_RULE', `${at} must be a table`);
  }
  return value as Table;
}

function optionalString(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new SecretsConfigError('INVALID_RULE', `${at} must be a string`);
  return value;
}

function optionalNumber(value: unknown, at: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SecretsConfigError('INVALID_RULE', `${at} must be a number`);
  return value;
}

function optionalBoolean(value: unknown, at: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new SecretsConfigError('INVALID_RULE', `${at} must be true or false`);
  return value;
}

function stringArray(value: unknown, at: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new SecretsConfigError('INVALID_RULE', `${at} must be an array of strings`);
  }
  return value as string[];
}
