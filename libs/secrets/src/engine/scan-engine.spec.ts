import { describe, expect, it } from 'vitest';
import { ALNUM, BASE64, OTHER_KEY, TEST_KEY, tokenGenerator } from '../../test/tokens.js';
import { DEFAULT_RULES } from '../rules/default-rules.js';
import { createScanEngine } from './scan-engine.js';

const { rand } = tokenGenerator(42);
const ghp = (): string => `${'gh' + 'p_'}${rand(36)}`;
const sut = createScanEngine({ fingerprintKey: TEST_KEY });

describe('scan engine: what is skipped', () => {
  it('skips a binary file (NUL byte near the start), as bytes or as text', () => {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]), Buffer.from(`token=${ghp()}`)]);
    expect(sut.scan({ path: 'logo.png', content: bytes })).toEqual({ findings: [], skips: [{ path: 'logo.png', reason: 'BINARY' }] });
    expect(sut.scan({ path: 'a.bin', content: `\u0000${ghp()}` }).skips).toEqual([{ path: 'a.bin', reason: 'BINARY' }]);
  });

  it('skips a file over the size limit', () => {
    const small = createScanEngine({ fingerprintKey: TEST_KEY, maxFileBytes: 100 });
    expect(small.scan({ path: 'big.txt', content: `x=${ghp()}\n`.repeat(10) }).skips).toEqual([{ path: 'big.txt', reason: 'TOO_LARGE' }]);
    expect(small.scan({ path: 'big.txt', content: Buffer.alloc(101, 0x61) }).skips).toEqual([{ path: 'big.txt', reason: 'TOO_LARGE' }]);
  });

  it('skips a git LFS pointer', () => {
    const pointer = `version https://git-lfs.github.com/spec/v1\noid sha256:${rand(64, '0123456789abcdef')}\nsize 12345\n`;
    expect(sut.scan({ path: 'model.bin', content: pointer }).skips).toEqual([{ path: 'model.bin', reason: 'LFS_POINTER' }]);
  });

  it('turns a file that outlasts its time budget into a TIME_BUDGET skip, keeping what it found', () => {
    const hurried = createScanEngine({ fingerprintKey: TEST_KEY, fileTimeBudgetMs: 1, maxFileBytes: 64 * 1024 * 1024 });
    const line = `const password = "${rand(12)}"; // token secret api_key\n`;
    const content = `TOKEN=${ghp()}\n` + line.repeat(Math.ceil((24 * 1024 * 1024) / line.length));
    const result = hurried.scan({ path: 'huge.js', content });
    expect(result.skips).toEqual([{ path: 'huge.js', reason: 'TIME_BUDGET' }]);
  });

  it('skips nothing, and finds nothing, in a plain file', () => {
    expect(sut.scan({ path: 'README.md', content: '# Title\n\nSome text about tokens and passwords.\n' })).toEqual({ findings: [], skips: [] });
  });
});

describe('scan engine: findings', () => {
  it('reports rule, line, severity and path, and never the value', () => {
    const token = ghp();
    const result = sut.scan({ path: 'ci/deploy.sh', content: `#!/bin/sh\n\nexport GITHUB_TOKEN=${token}\n` });
    expect(result.findings).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding).toMatchObject({ ruleId: 'github-pat', kind: 'secret', severity: 'critical', path: 'ci/deploy.sh', line: 3 });
    expect(finding.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(finding)).not.toContain(token);
    expect(JSON.stringify(finding)).not.toContain(token.slice(4, 20));
    // The preview shows the match, not the rest of the line (which may hold another secret).
    expect(finding.preview).toBe('ghp_***');
  });

  it('fingerprints the same secret alike under one key and differently under another', () => {
    const token = ghp();
    const a = sut.scan({ path: 'a.env', content: `A=${token}` }).findings[0];
    const b = sut.scan({ path: 'b.yaml', content: `x:\n  token: ${token}` }).findings[0];
    const other = createScanEngine({ fingerprintKey: OTHER_KEY }).scan({ path: 'a.env', content: `A=${token}` }).findings[0];
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(other.fingerprint).not.toBe(a.fingerprint);
  });

  it('masks short secrets fully and keeps previews to 120 characters', () => {
    const password = `${rand(9)}!`;
    const [short] = sut.scan({ path: 'app.env', content: `DB_PASSWORD=${password}` }).findings;
    expect(short.preview).toBe('DB_PASSWORD=***');
    const [long] = sut.scan({ path: 'app.env', content: `${'x'.repeat(300)} DB_PASSWORD=${password} ${'y'.repeat(300)}` }).findings;
    expect(long.preview.length).toBeLessThanOrEqual(120);
    expect(long.preview).toContain('DB_PASSWORD=***');
    expect(long.preview).not.toContain(password);
  });

  it('reports a value once when a provider rule and a generic rule both match it', () => {
    const result = sut.scan({ path: '.env', content: `GITHUB_API_TOKEN="${ghp()}"` });
    expect(result.findings.map((f) => f.ruleId)).toEqual(['github-pat']);
  });

  it('reports a PEM private key at its BEGIN line', () => {
    const body = Array.from({ length: 10 }, () => rand(64, BASE64)).join('\n');
    const content = `# deploy key\n\n-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`;
    const result = sut.scan({ path: 'id_ed25519', content });
    expect(result.findings.map((f) => [f.ruleId, f.line])).toEqual([['private-key', 3]]);
    expect(result.findings[0].preview).toBe('-----BEGIN OPENSSH PRIVATE KEY-----***-----END OPENSSH PRIVATE');
  });

  it('numbers findings from the given lines when scanning only added lines', () => {
    const result = sut.scan({
      path: 'src/app.ts',
      lines: [
        { line: 10, text: 'const a = 1;' },
        { line: 42, text: `const key = "${'sk' + '_live_'}${rand(24)}";` },
      ],
    });
    expect(result.findings.map((f) => [f.ruleId, f.line])).toEqual([['stripe-live-key', 42]]);
  });

  it('finds a secret in the middle of a very long (minified) line', () => {
    const token = ghp();
    const content = `${'var a=1;'.repeat(30_000)}var t="${token}";${'var b=2;'.repeat(30_000)}`;
    expect(sut.scan({ path: 'bundle.min.js', content }).findings.map((f) => f.ruleId)).toEqual(['github-pat']);
  });

  it('finds the keyword regardless of case', () => {
    const key = `${'AK' + 'IA'}${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    expect(sut.scan({ path: 'x', content: `id: ${key}` }).findings.map((f) => f.ruleId)).toEqual(['aws-access-key-id']);
  });
});

describe('scan engine: what is not reported', () => {
  it('honours inline allow comments (portcullis:allow, and gitleaks:allow for teams migrating)', () => {
    const content = [
      `token = "${ghp()}" # portcullis:allow`,
      `token = "${ghp()}" // gitleaks:allow`,
      `token = "${ghp()}"`,
    ].join('\n');
    expect(sut.scan({ path: 'x.py', content }).findings.map((f) => f.line)).toEqual([3]);
  });

  it('reports no placeholder, template or documented example', () => {
    const lines = [
      `aws_access_key_id = ${'AKIA' + 'IOSFODNN7' + 'EXAMPLE'}`,
      'password: ${DB_PASSWORD}',
      'password: "{{ .Values.db.password }}"',
      'api_key = "{{ api_key }}"',
      'password = changeme',
      'secret: <%= ENV["SECRET"] %>',
      "token = process.env.API_TOKEN",
      'client_secret = "your-client-secret-here"',
      'DB_PASSWORD=',
      'password = "********"',
      'api_key = "REPLACE_ME"',
      'password: !vault |',
      'secretKeyRef:',
      '  name: db-credentials',
      'token = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
      `STRIPE_KEY=${'sk' + '_live_'}${'0'.repeat(24)}`,
      'DATABASE_URL=postgres://user:password@localhost:5432/db',
      'const password = await prompt("Password: ");',
      'if (password.length < 8) throw new Error("password too short");',
      'def login(username, password=None):',
      'password_reset_timeout = 3600',
      'secret_key_file = "/etc/app/secret.key"',
      'token_url = "https://oauth2.googleapis.com/token"',
      'AUTH_TOKEN_HEADER = "X-Auth-Token"',
    ];
    expect(sut.scan({ path: 'config/example.yaml', content: lines.join('\n') }).findings).toEqual([]);
  });

  it('reads a bare right-hand side in source code as an expression, in configuration as a value', () => {
    const value = `${rand(14)}9`;
    expect(sut.scan({ path: 'src/db.ts', content: `const password = ${value};` }).findings).toEqual([]);
    expect(sut.scan({ path: 'src/db.ts', content: `const tokenFragment = !isImportTypeIssue ? name : '';` }).findings).toEqual([]);
    expect(sut.scan({ path: 'config/db.properties', content: `db.password=${value}` }).findings.map((f) => f.ruleId)).toEqual(['generic-password']);
  });

  it('ignores file-name keys, enum-like self assignments and example hosts', () => {
    const content = [
      `  "libs/service-kit/src/service-kit.tokens.ts": "${rand(40, '0123456789abcdef')}",`,
      '  TSPrivateKeyword = "TSPrivateKeyword",',
      `  url: "https://admin:${rand(16)}@example.com/api"`,
    ].join('\n');
    expect(sut.scan({ path: 'cache/manifest.json', content }).findings).toEqual([]);
  });

  it('reports a provider key once when a generic rule matches a longer value around it', () => {
    const key = `${'AK' + 'IA'}${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    const content = `https://bucket.s3.amazonaws.com/x?X-Amz-Credential=${key}%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc`;
    expect(sut.scan({ path: 'fixtures/event.json', content }).findings.map((f) => f.ruleId)).toEqual(['aws-access-key-id']);
  });

  it('reports nothing in lockfiles', () => {
    expect(sut.scan({ path: 'web/package-lock.json', content: `"token": "${ghp()}"` }).findings).toEqual([]);
  });

  it('never backtracks for long on adversarial input: no default rule exhausts a generous budget on 100 KB lines', () => {
    const engine = createScanEngine({ fingerprintKey: TEST_KEY, fileTimeBudgetMs: 20_000 });
    for (const rule of DEFAULT_RULES) {
      const kw = rule.keywords[0];
      const lines = [
        rule.keywords.join(' ').repeat(Math.ceil(100_000 / rule.keywords.join(' ').length)),
        kw + 'a'.repeat(100_000),
        kw + '0'.repeat(100_000),
        `${kw}_`.repeat(20_000),
        `${kw}=${'A1-_'.repeat(25_000)}`,
        `${kw} = "${'a'.repeat(100_000)}`,
        `${kw}://${'a:'.repeat(50_000)}`,
        `${kw}${'-----BEGIN PRIVATE KEY-----'.repeat(2_000)}`,
        // URL passwords may hold `#` and `/`; generic keys may not follow `=`.
        `${kw}://u:${'#/'.repeat(50_000)}`,
        `${kw}=`.repeat(25_000),
        `  ${kw}: |\n${`    ${'A'.repeat(64)}\n`.repeat(1_500)}`,
      ];
      const result = engine.scan({ path: `adversarial/${rule.id}.txt`, content: lines.join('\n') });
      expect(result.skips, rule.id).toEqual([]);
    }
  }, 120_000);
});

describe('scan engine: options', () => {
  it('rejects a short fingerprint key and bad limits', () => {
    expect(() => createScanEngine({ fingerprintKey: Buffer.alloc(15) })).toThrow(/fingerprintKey/);
    expect(() => createScanEngine({ fingerprintKey: TEST_KEY, maxFileBytes: 0 })).toThrow(/maxFileBytes/);
    expect(() => createScanEngine({ fingerprintKey: TEST_KEY, fileTimeBudgetMs: -1 })).toThrow(/fileTimeBudgetMs/);
  });

  it('runs only the rules asked for', () => {
    const onlyToml = createScanEngine({
      fingerprintKey: TEST_KEY,
      rules: { includeDefaults: false, gitleaksConfigs: [{ name: 'c.toml', toml: '[[rules]]\nid = "acme"\nregex = \'\'\'acme_[a-z]{8}\'\'\'\n' }] },
    });
    const content = `A=${ghp()}\nB=acme_${rand(8, 'abcdefghijklmnopqrstuvwxyz')}`;
    expect(onlyToml.scan({ path: 'x', content }).findings.map((f) => f.ruleId)).toEqual(['acme']);
    const withoutGithub = createScanEngine({ fingerprintKey: TEST_KEY, rules: { disabledRules: ['github-pat'] } });
    expect(withoutGithub.scan({ path: 'x', content: `A=${ghp()}` }).findings.map((f) => f.ruleId)).not.toContain('github-pat');
    expect(rand(4, ALNUM)).toHaveLength(4);
  });
});
