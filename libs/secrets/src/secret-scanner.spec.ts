import { afterAll, describe, expect, it } from 'vitest';
import { RULE_EXAMPLES } from '../test/rule-examples.js';
import { HEX, TEST_KEY, tokenGenerator } from '../test/tokens.js';
import { SecretsConfigError } from './errors.js';
import type { ScanInput } from './model.js';
import { createSecretScanner } from './secret-scanner.js';

const GITLEAKS_TOML = `
[[rules]]
id = "acme-internal-token"
description = "ACME internal token"
regex = '''acme_[a-z0-9]{32}'''
keywords = ["acme_"]
`;

/** A few files mixing every default rule's positive and negative examples, plus a user rule hit. */
function corpus(): ScanInput[] {
  const files: ScanInput[] = [];
  let i = 0;
  for (const [id, examples] of Object.entries(RULE_EXAMPLES)) {
    const text = ['# config', ...examples.positives, 'const x = 1;', ...examples.negatives].join('\n');
    files.push(i++ % 2 === 0 ? { path: `src/${id}.env`, content: text } : { path: `src/${id}.env`, content: Buffer.from(text) });
  }
  files.push({ path: 'src/acme.ts', content: `const t = "acme_${tokenGenerator(1).rand(32, HEX)}";` });
  files.push({ path: 'diff.txt', lines: [{ line: 7, text: RULE_EXAMPLES['github-pat'].positives[0] }, { line: 12, text: 'nothing here' }] });
  return files;
}

describe('createSecretScanner', () => {
  it('refuses to start when the YAML parser would print what it scans (LOG_TOKENS, LOG_STREAM)', () => {
    expect(() => createSecretScanner({ fingerprintKey: TEST_KEY, workers: 0 }, { LOG_TOKENS: '1' })).toThrow(/LOG_TOKENS must not be set/);
    expect(() => createSecretScanner({ fingerprintKey: TEST_KEY, workers: 0 }, { LOG_STREAM: 'yes' })).toThrow(SecretsConfigError);
    expect(() => createSecretScanner({ fingerprintKey: TEST_KEY, workers: 0 }, {})).not.toThrow();
  });

  const options = { fingerprintKey: TEST_KEY, rules: { gitleaksConfigs: [{ name: 'acme.toml', toml: GITLEAKS_TOML }] } };
  const pooled = createSecretScanner({ ...options, workers: 2 });
  const inProcess = createSecretScanner({ ...options, workers: 0 });
  afterAll(async () => {
    await pooled.close();
    await inProcess.close();
  });

  it('gives the same results in the worker pool as in process', async () => {
    const files = corpus();
    const [a, b] = await Promise.all([Promise.all(files.map((f) => pooled.scan(f))), Promise.all(files.map((f) => inProcess.scan(f)))]);
    expect(a).toEqual(b);
    const ruleIds = new Set(a.flatMap((r) => r.findings.map((f) => f.ruleId)));
    expect(ruleIds).toContain('acme-internal-token');
    expect(ruleIds).toContain('private-key');
    expect(a.at(-1)?.findings.map((f) => [f.ruleId, f.line])).toEqual([['github-pat', 7]]);
  });

  it('rejects a bad config or key at creation, before any worker starts', () => {
    expect(() => createSecretScanner({ fingerprintKey: Buffer.alloc(8), workers: 0 })).toThrow(SecretsConfigError);
    expect(() =>
      createSecretScanner({ fingerprintKey: TEST_KEY, workers: 1, rules: { gitleaksConfigs: [{ name: 'bad.toml', toml: '[[rules]]\nid = "x"\nregex = "(" ' }] } }),
    ).toThrow(/bad\.toml.*rule "x"/);
  });
});
