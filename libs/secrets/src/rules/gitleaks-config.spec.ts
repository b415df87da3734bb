import { describe, expect, it } from 'vitest';
import { HEX, LOWER, TEST_KEY, tokenGenerator } from '../../test/tokens.js';
import { createScanEngine } from '../engine/scan-engine.js';
import { SecretsConfigError } from '../errors.js';
import { buildRuleSet } from './rule-set.js';
import { loadGitleaksConfig } from './gitleaks-config.js';

const { rand } = tokenGenerator(7);

/** A config in the shape teams keep in `.gitleaks.toml` (gitleaks v8 syntax). */
const TEAM_CONFIG = `
title = "acme gitleaks config"

[extend]
useDefault = true
disabledRules = ["generic-api-key"]

[[rules]]
id = "acme-api-token"
description = "ACME internal API token"
regex = '''(?i)\\b(acme_(?:live|test)_[a-z0-9]{32})\\b'''
secretGroup = 1
entropy = 3.0
keywords = ["acme_live_", "acme_test_"]

  [[rules.allowlists]]
  description = "test tokens in fixtures"
  condition = "AND"
  regexTarget = "match"
  regexes = ['''acme_test_''']
  paths = ['''(?:^|/)fixtures/''']

[[rules]]
id = "acme-session"
description = "ACME session secret"
regex = '''session_secret\\s*=\\s*"([^"]{16,})"'''
keywords = ["session_secret"]
  [rules.allowlist]
  stopwords = ["localdev"]

[[rules]]
id = "terraform-state"
description = "Terraform state file committed"
path = '''\\.tfstate$'''

[[rules]]
id = "github-pat"
  [[rules.allowlists]]
  regexTarget = "line"
  regexes = ['''# rotated''']

[allowlist]
description = "global"
paths = ['''^vendor/''']
commits = ["abc1234"]
`;

const engine = createScanEngine({ fingerprintKey: TEST_KEY, rules: { includeDefaults: false, gitleaksConfigs: [{ name: '.gitleaks.toml', toml: TEAM_CONFIG }] } });
const ids = (path: string, content: string, commit?: string) =>
  engine.scan({ path, content, ...(commit ? { commit } : {}) }).findings.map((f) => f.ruleId);
const acme = (mode: string) => `acme_${mode}_${rand(32, LOWER + '0123456789')}`;

describe('gitleaks configs', () => {
  it('runs the config rules with RE2 syntax, secret groups and keywords', () => {
    expect(ids('src/client.go', `token := "${acme('live')}"`)).toEqual(['acme-api-token']);
    expect(ids('src/session.py', `session_secret = "${rand(24)}"`)).toEqual(['acme-session']);
  });

  it('applies [extend] useDefault (our defaults stand in for gitleaks\') and disabledRules (gitleaks ids too)', () => {
    expect(ids('src/x.env', `GH=${'gh' + 'p_'}${rand(36)}`)).toEqual(['github-pat']);
    const rules = buildRuleSet({ includeDefaults: false, gitleaksConfigs: [{ name: 'c', toml: TEAM_CONFIG }] }).rules.map((r) => r.id);
    expect(rules).not.toContain('generic-secret');
    expect(rules).not.toContain('generic-password');
    expect(rules).toContain('aws-access-key-id');
  });

  it('honours rule allowlists: AND condition with regexTarget match, stopwords', () => {
    expect(ids('test/fixtures/tokens.json', `"${acme('test')}"`)).toEqual([]);
    expect(ids('src/tokens.json', `"${acme('test')}"`)).toEqual(['acme-api-token']);
    expect(ids('test/fixtures/tokens.json', `"${acme('live')}"`)).toEqual(['acme-api-token']);
    expect(ids('src/session.py', `session_secret = "localdev-${rand(16)}"`)).toEqual([]);
  });

  it('extends a default rule with an allowlist given under its id (regexTarget line)', () => {
    expect(ids('src/x.env', `GH=${'gh' + 'p_'}${rand(36)} # rotated`)).toEqual([]);
  });

  it('reports path-only rules and honours the global allowlist (paths, commits)', () => {
    expect(ids('infra/prod.tfstate', '{}')).toEqual(['terraform-state']);
    expect(ids('vendor/lib/x.go', `t := "${acme('live')}"`)).toEqual([]);
    expect(ids('src/x.go', `t := "${acme('live')}"`, 'abc1234def5678')).toEqual([]);
    expect(ids('src/x.go', `t := "${acme('live')}"`, 'fff0000')).toEqual(['acme-api-token']);
  });

  it('applies a global [[allowlists]] entry only to its targetRules', () => {
    const toml = `${TEAM_CONFIG}\n[[allowlists]]\ntargetRules = ["acme-api-token"]\nregexes = ['''acme_live_''']\nregexTarget = "match"\n`;
    const sut = createScanEngine({ fingerprintKey: TEST_KEY, rules: { gitleaksConfigs: [{ name: 'c', toml }] } });
    const content = `a = "${acme('live')}"\nb = "${'gh' + 'p_'}${rand(36)}"`;
    expect(sut.scan({ path: 'src/x', content }).findings.map((f) => f.ruleId)).toEqual(['github-pat']);
  });

  it('lets a config rule replace a default rule with the same id', () => {
    const toml = `[[rules]]\nid = "github-pat"\ndescription = "stricter"\nregex = '''ghp_[0-9a-zA-Z]{36}_never'''\nkeywords = ["ghp_"]\n`;
    const sut = createScanEngine({ fingerprintKey: TEST_KEY, rules: { gitleaksConfigs: [{ name: 'c', toml }] } });
    expect(sut.scan({ path: 'x', content: `GH=${'gh' + 'p_'}${rand(36)}` }).findings).toEqual([]);
  });

  describe('errors name the config and rule, never a regex or TOML text', () => {
    const fail = (toml: string): SecretsConfigError => {
      try {
        loadGitleaksConfig({ name: 'team.toml', toml });
      } catch (error) {
        if (error instanceof SecretsConfigError) return error;
        throw error;
      }
      throw new Error('expected a SecretsConfigError');
    };

    it('invalid TOML: line and column only', () => {
      const secret = rand(20, HEX);
      const error = fail(`[[rules]]\nid = "x"\nregex = "${secret}"\nthis is not toml ${secret}`);
      expect(error.code).toBe('INVALID_TOML');
      expect(error.message).toMatch(/team\.toml.*line 4/);
      expect(error.message).not.toContain(secret);
      expect(error.retryable).toBe(false);
    });

    it('a regex that RE2 rejects (backreferences, lookarounds, bad syntax)', () => {
      const allowed = rand(16, HEX);
      for (const [toml, id] of [
        [`[[rules]]\nid = "backref"\nregex = '''(a)\\1'''`, 'backref'],
        [`[[rules]]\nid = "lookahead"\nregex = '''foo(?=bar)'''`, 'lookahead'],
        [`[[rules]]\nid = "ok"\nregex = '''x'''\n  [rules.allowlist]\n  regexes = ['''${allowed}(''']`, 'ok'],
      ] as const) {
        const error = fail(toml);
        expect(error.code).toBe('INVALID_REGEX');
        expect(error.message).toContain(`rule "${id}"`);
        expect(error.message).not.toContain(allowed);
      }
    });

    it('missing id, missing regex and path, wrong types, duplicate ids', () => {
      expect(fail(`[[rules]]\nregex = "x"`).message).toMatch(/rules\[0\] has no id/);
      expect(fail(`[[rules]]\nid = "a"\ndescription = "no regex"`).message).toMatch(/rule "a": needs a regex or a path/);
      expect(fail(`[[rules]]\nid = "a"\nregex = "x"\nkeywords = "x"`).message).toMatch(/rule "a": keywords must be an array of strings/);
      expect(fail(`[[rules]]\nid = "a"\nregex = "x"\n[[rules]]\nid = "a"\nregex = "y"`).message).toMatch(/duplicate rule id/);
      expect(fail(`[[rules]]\nid = "a"\nregex = "x"\n  [rules.allowlist]\n  condition = "XOR"\n  paths = ["x"]`).message).toMatch(/condition/);
    });

    it('[extend] path is not supported (the engine reads no files)', () => {
      expect(fail(`[extend]\npath = "base.toml"`).code).toBe('UNSUPPORTED_CONFIG');
    });

    it('an extension of an unknown rule id', () => {
      expect(() =>
        buildRuleSet({ includeDefaults: false, gitleaksConfigs: [{ name: 'c', toml: `[[rules]]\nid = "nope"\n  [[rules.allowlists]]\n  paths = ["x"]\n` }] }),
      ).toThrow(/rule "nope" needs a regex or a path/);
    });
  });

  it('RE2 keeps a user rule linear on input that would make a backtracking engine explode', () => {
    const toml = `[[rules]]\nid = "evil"\nregex = '''(a+)+$'''\n`;
    const sut = createScanEngine({ fingerprintKey: TEST_KEY, rules: { includeDefaults: false, gitleaksConfigs: [{ name: 'c', toml }] } });
    const result = sut.scan({ path: 'x', content: `${'a'.repeat(30_000)}!` });
    expect(result.skips).toEqual([]);
  });
});
