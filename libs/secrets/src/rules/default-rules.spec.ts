import { describe, expect, it } from 'vitest';
import { RULE_EXAMPLES } from '../../test/rule-examples.js';
import { TEST_KEY } from '../../test/tokens.js';
import { createScanEngine } from '../engine/scan-engine.js';
import { DEFAULT_RULES } from './default-rules.js';

const sut = createScanEngine({ fingerprintKey: TEST_KEY });
const scanLine = (text: string) => sut.scan({ path: 'config/app.env', content: text });

describe('default rules', () => {
  it('every rule has a unique id, keywords, and a positive and a negative example', () => {
    const ids = DEFAULT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of DEFAULT_RULES) {
      expect(rule.keywords.length, rule.id).toBeGreaterThan(0);
      expect(RULE_EXAMPLES[rule.id]?.positives.length ?? 0, rule.id).toBeGreaterThan(0);
      expect(RULE_EXAMPLES[rule.id]?.negatives.length ?? 0, rule.id).toBeGreaterThan(0);
    }
    expect(Object.keys(RULE_EXAMPLES).sort()).toEqual([...ids].sort());
  });

  describe.each(DEFAULT_RULES.map((r) => [r.id] as const))('%s', (id) => {
    const examples = RULE_EXAMPLES[id];

    it.each(examples.positives.map((p, i) => [i, p] as const))('finds positive example %i', (_i, text) => {
      const result = scanLine(text);
      expect(result.skips).toEqual([]);
      expect(result.findings.map((f) => f.ruleId)).toContain(id);
    });

    it.each(examples.negatives.map((n, i) => [i, n] as const))('ignores negative example %i', (_i, text) => {
      expect(scanLine(text).findings.map((f) => f.ruleId)).not.toContain(id);
    });
  });

  it('no regex has an unbounded quantifier (so none can backtrack for long on a long line)', () => {
    for (const rule of DEFAULT_RULES) {
      expect(unboundedQuantifiers(rule.regex.source), rule.id).toEqual([]);
    }
  });
});

/** Positions of `*`, `+` and `{n,}` used as quantifiers (outside character classes and escapes). */
function unboundedQuantifiers(source: string): number[] {
  const found: number[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '*' || c === '+') found.push(i);
    else if (c === '{' && /^\{\d+,\}/.test(source.slice(i))) found.push(i);
  }
  return found;
}
