import { Command, CommanderError } from 'commander';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsScanCommand } from './secrets-scan.command.js';

// Tokens are built at run time: no realistic secret sits in our source.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomToken = (length: number) => Array.from(randomBytes(length), (b) => ALNUM[b % ALNUM.length]).join('');
const githubToken = `ghp_${randomToken(36)}`;
const dbPassword = randomToken(20);
const env = { PORTCULLIS_FINGERPRINT_KEY: 'test-platform-key-0123456789' };

let root: string;

async function run(args: string[], environment: Record<string, string | undefined> = env) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const context = { stdout, stderr, env: environment };
  const program = new Command('portcullis').exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  const secrets = new Command('secrets').exitOverride();
  secrets.addCommand(secretsScanCommand(context).exitOverride());
  program.addCommand(secrets);
  let exitCode = 0;
  let message = '';
  try {
    await program.parseAsync(['node', 'portcullis', 'secrets', 'scan', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode;
    message = error.message;
  }
  return { exitCode, out, err, message };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'portcullis-scan-'));
  await mkdir(join(root, 'src'), { recursive: true });
  await mkdir(join(root, 'deploy'), { recursive: true });
  await mkdir(join(root, '.git'), { recursive: true });
  await writeFile(join(root, 'src', 'client.ts'), `const api = 'https://api.github.com';\nconst token = '${githubToken}';\n`);
  await writeFile(join(root, 'src', 'settings.ts'), `export const password = process.env['DB_PASSWORD'];\nconst url = '\${DATABASE_URL}';\n`);
  await writeFile(
    join(root, 'deploy', 'db.yaml'),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${dbPassword}\n`,
  );
  // In .git: never scanned.
  await writeFile(join(root, '.git', 'config'), `token = ${githubToken}\n`);
  await writeFile(join(root, 'big.log'), Buffer.alloc(2 * 1024 * 1024 + 10, 'a'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('portcullis secrets scan', () => {
  it('reports the token and the plain Secret with exit code 1, skips .git and large files, and never prints a value', async () => {
    const result = await run([root, '--workers', '0', '--max-file-mb', '2']);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.out) as { findings: { ruleId: string; path: string; line: number; fingerprint: string }[]; skips: { path: string; reason: string }[] };
    expect(report.findings.map((f) => `${f.path}:${f.line}`)).toEqual(expect.arrayContaining(['src/client.ts:2', 'deploy/db.yaml:6']));
    expect(report.findings.some((f) => f.path.startsWith('.git'))).toBe(false);
    expect(report.findings.some((f) => f.path === 'src/settings.ts')).toBe(false);
    expect(report.skips).toContainEqual({ path: 'big.log', reason: 'TOO_LARGE' });
    for (const output of [result.out, result.err]) {
      expect(output).not.toContain(githubToken);
      expect(output).not.toContain(dbPassword);
    }
  });

  it('gives the same findings from the worker pool as in-process', async () => {
    const pooled = JSON.parse((await run([root, '--workers', '2'])).out) as { findings: unknown[] };
    const inProcess = JSON.parse((await run([root, '--workers', '0'])).out) as { findings: unknown[] };
    expect(pooled.findings).toEqual(inProcess.findings);
  });

  it('suppresses baselined fingerprints even after the line moved, and exits 0 when nothing new is left', async () => {
    const baselineFile = join(root, '..', `${root.split('/').pop()}-baseline.json`);
    await writeFile(baselineFile, (await run([root, '--workers', '0'])).out);
    await writeFile(join(root, 'src', 'client.ts'), `// moved down\n\n\nconst api = 'https://api.github.com';\nconst token = '${githubToken}';\n`);
    try {
      const result = await run([root, '--workers', '0', '--baseline', baselineFile]);
      expect(JSON.parse(result.out)).toMatchObject({ findings: [], baselined: 2 });
      expect(result.exitCode).toBe(0);
    } finally {
      await rm(baselineFile, { force: true });
    }
  });

  it('refuses a baseline without the platform key, since fingerprints would not compare', async () => {
    expect(await run([root, '--baseline', join(root, 'src', 'client.ts')], {})).toMatchObject({ exitCode: 2, message: expect.stringContaining('PORTCULLIS_FINGERPRINT_KEY') });
  });

  it('writes SARIF 2.1.0 and gitleaks-style reports with the secret redacted', async () => {
    const sarif = JSON.parse((await run([root, '--workers', '0', '--format', 'sarif'])).out) as {
      version: string;
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toContain('deploy/db.yaml');
    const gitleaks = JSON.parse((await run([root, '--workers', '0', '--format', 'gitleaks'])).out) as { Secret: string; File: string }[];
    expect(gitleaks.length).toBeGreaterThan(0);
    expect(gitleaks.every((f) => f.Secret === 'REDACTED')).toBe(true);
  });

  it('writes to --output and refuses a path that is not a directory', async () => {
    const output = join(root, '..', `${root.split('/').pop()}-out.json`);
    try {
      await run([root, '--workers', '0', '--output', output]);
      expect(JSON.parse(await readFile(output, 'utf8'))).toHaveProperty('findings');
    } finally {
      await rm(output, { force: true });
    }
    expect(await run([join(root, 'src', 'client.ts')])).toMatchObject({ exitCode: 2, message: expect.stringContaining('is not a directory') });
  });

  describe('in a git repository', () => {
    let repo: string;
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repo, env: { PATH: process.env['PATH'], HOME: repo, GIT_CONFIG_NOSYSTEM: '1' } }).toString().trim();
    const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
    const slackToken = `xoxb-${digits(12)}-${digits(13)}-${randomToken(24)}`;
    const stagedToken = `npm_${randomToken(36)}`;

    beforeAll(async () => {
      repo = await mkdtemp(join(tmpdir(), 'portcullis-scan-git-'));
      git('init', '--quiet', '-b', 'main');
      git('config', 'user.name', 'Dana Developer');
      git('config', 'user.email', 'dana@example.com');
      await writeFile(join(repo, 'app.ts'), `export const token = '${githubToken}';\n`);
      git('add', '-A');
      git('commit', '--quiet', '-m', 'old leak');
      git('tag', 'base');
      await writeFile(join(repo, 'chat.ts'), `export const slack = '${slackToken}';\n`);
      await mkdir(join(repo, 'deploy'));
      await writeFile(join(repo, 'deploy', 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  password: ${dbPassword}\n`);
      git('add', '-A');
      git('commit', '--quiet', '-m', 'new leaks');
    });

    afterAll(async () => {
      await rm(repo, { recursive: true, force: true });
    });

    it('scans only what a revision range added, with the commit and author of each finding', async () => {
      const result = await run(['base..HEAD', '--repo', repo, '--workers', '0']);
      expect(result.exitCode).toBe(1);
      const report = JSON.parse(result.out) as { findings: { ruleId: string; path: string; line: number; commit: string; author: string }[] };
      expect(report.findings.map((f) => `${f.ruleId} ${f.path}:${f.line}`).sort()).toEqual(['k8s-plain-secret deploy/secret.yaml:6', 'slack-bot-token chat.ts:1']);
      expect(report.findings.find((f) => f.path === 'chat.ts')).toMatchObject({ commit: git('rev-parse', 'HEAD'), author: 'Dana Developer <dana@example.com>' });
      expect(result.out).not.toContain(slackToken);
      expect(result.out).not.toContain(dbPassword);
    });

    it('scans the staged changes only, for a pre-commit hook, and is clean when nothing staged leaks', async () => {
      expect((await run(['--staged', '--repo', repo, '--workers', '0'])).exitCode).toBe(0);
      await writeFile(join(repo, '.npmrc'), `//registry.npmjs.org/:_authToken=${stagedToken}\n`);
      await writeFile(join(repo, 'untracked.ts'), `export const t = '${githubToken}';\n`);
      git('add', '.npmrc');
      const result = await run(['--staged', '--repo', repo, '--workers', '0']);
      expect(result.exitCode).toBe(1);
      const report = JSON.parse(result.out) as { findings: { path: string; commit: string }[] };
      expect(report.findings.map((f) => [f.path, f.commit])).toEqual([['.npmrc', 'STAGED']]);
    });

    it('refuses a target that is neither a directory nor a revision range', async () => {
      expect(await run(['no-such-ref..HEAD', '--repo', repo, '--workers', '0'])).toMatchObject({ exitCode: 2, message: expect.stringContaining('not a revision range') });
      expect(await run(['main..HEAD', '--repo', tmpdir(), '--workers', '0'])).toMatchObject({ exitCode: 2, message: expect.stringContaining('not inside a git repository') });
    });
  });
  describe('--git-tracked and the repository policy', () => {
    let repo: string;
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: repo, env: { PATH: process.env['PATH'], HOME: repo, GIT_CONFIG_NOSYSTEM: '1' } }).toString().trim();
    const awsKeyId = `AKIA${Array.from(randomBytes(16), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('')}`;
    type Report = {
      findings: { ruleId: string; path: string }[];
      suppressed: { ruleId: string; path: string; line: number; reason: string; owner: string; until: string }[];
      ignored: number;
    };
    const paths = (report: Report) => report.findings.map((f) => f.path).sort();
    const policy = (until: string) =>
      [
        'secrets:',
        '  paths:',
        '    ignore: ["vendor/**"]',
        '  suppressions:',
        '    - ruleId: github-pat',
        '      path: "test/fixtures/*.ts"',
        '      reason: fixture of the token rule',
        '      owner: platform',
        `      until: ${until}`,
        '',
      ].join('\n');

    beforeAll(async () => {
      repo = await mkdtemp(join(tmpdir(), 'portcullis-scan-tracked-'));
      git('init', '--quiet', '-b', 'main');
      await mkdir(join(repo, 'src'));
      await mkdir(join(repo, 'test', 'fixtures'), { recursive: true });
      await mkdir(join(repo, 'vendor', 'lib'), { recursive: true });
      await mkdir(join(repo, 'build'));
      await writeFile(join(repo, 'src', 'app.ts'), `export const token = '${githubToken}';\n`);
      await writeFile(join(repo, 'test', 'fixtures', 'token.ts'), `export const token = '${githubToken}';\n`);
      await writeFile(join(repo, 'vendor', 'lib', 'cloud.ts'), `export const id = '${awsKeyId}';\n`);
      await writeFile(join(repo, 'gone.ts'), `export const token = '${githubToken}';\n`);
      await writeFile(join(repo, '.gitignore'), '.env\nbuild/\n');
      git('add', '-A');
      await rm(join(repo, 'gone.ts')); // tracked, deleted in the work tree: nothing on disk to scan
      // On disk but not tracked: an ignored .env, an ignored build output, an untracked file.
      await writeFile(join(repo, '.env'), `GITHUB_TOKEN=${githubToken}\n`);
      await writeFile(join(repo, 'build', 'bundle.js'), `var t = "${githubToken}";\n`);
      await writeFile(join(repo, 'notes.ts'), `const t = '${githubToken}';\n`);
    });

    afterAll(async () => {
      await rm(repo, { recursive: true, force: true });
    });

    it('scans exactly the files git tracks with --git-tracked, and every file on disk without it', async () => {
      const tracked = await run([repo, '--git-tracked', '--no-policy', '--workers', '0']);
      expect(tracked.exitCode).toBe(1);
      expect(paths(JSON.parse(tracked.out) as Report)).toEqual(['src/app.ts', 'test/fixtures/token.ts', 'vendor/lib/cloud.ts']);
      const everything = await run([repo, '--no-policy', '--workers', '0']);
      expect(paths(JSON.parse(everything.out) as Report)).toEqual(['.env', 'build/bundle.js', 'notes.ts', 'src/app.ts', 'test/fixtures/token.ts', 'vendor/lib/cloud.ts']);
    });

    it('reports paths relative to a subdirectory of the work tree', async () => {
      const result = await run([join(repo, 'test'), '--git-tracked', '--workers', '0']);
      expect(paths(JSON.parse(result.out) as Report)).toEqual(['fixtures/token.ts']);
    });

    it('refuses --git-tracked outside a git work tree, and with a revision range', async () => {
      expect(await run([root, '--git-tracked', '--workers', '0'])).toMatchObject({ exitCode: 2, message: expect.stringContaining('not inside a git work tree') });
      expect(await run(['HEAD', '--repo', repo, '--git-tracked'])).toMatchObject({ exitCode: 2, message: expect.stringContaining('--git-tracked') });
    });

    it("applies the repository's .portcullis.yaml: ignored paths are not read, unexpired suppressions are listed but do not count", async () => {
      await writeFile(join(repo, '.portcullis.yaml'), policy('2999-12-31'));
      try {
        const result = await run([repo, '--git-tracked', '--workers', '0']);
        const report = JSON.parse(result.out) as Report;
        expect(paths(report)).toEqual(['src/app.ts']);
        expect(report.ignored).toBe(1);
        expect(report.suppressed).toEqual([
          { ruleId: 'github-pat', path: 'test/fixtures/token.ts', line: 1, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), reason: 'fixture of the token rule', owner: 'platform', until: '2999-12-31T23:59:59.000Z' },
        ]);
        expect(result.err).toContain('1 suppressed by .portcullis.yaml');
        expect(result.out).not.toContain(githubToken);

        await writeFile(join(repo, 'src', 'app.ts'), 'export const token = process.env.TOKEN;\n');
        expect((await run([repo, '--git-tracked', '--workers', '0'])).exitCode).toBe(0);
        expect(paths(JSON.parse((await run([repo, '--git-tracked', '--no-policy', '--workers', '0'])).out) as Report)).toEqual(['test/fixtures/token.ts', 'vendor/lib/cloud.ts']);
      } finally {
        await writeFile(join(repo, 'src', 'app.ts'), `export const token = '${githubToken}';\n`);
        await rm(join(repo, '.portcullis.yaml'), { force: true });
      }
    });

    it('counts a finding again once its suppression expired', async () => {
      const file = join(repo, '..', `${repo.split('/').pop()}-policy.yaml`);
      await writeFile(file, policy('2020-01-31'));
      try {
        const report = JSON.parse((await run([repo, '--git-tracked', '--policy', file, '--workers', '0'])).out) as Report;
        expect(paths(report)).toEqual(['src/app.ts', 'test/fixtures/token.ts']);
        expect(report.suppressed).toEqual([]);
      } finally {
        await rm(file, { force: true });
      }
    });

    it('refuses an invalid or missing policy, naming the field and never a value', async () => {
      const file = join(repo, '..', `${repo.split('/').pop()}-bad.yaml`);
      await writeFile(file, `secrets:\n  suppressions:\n    - ruleId: github-pat\n      path: "${githubToken}"\n      reason: r\n      owner: o\n`);
      try {
        const result = await run([repo, '--policy', file, '--workers', '0']);
        expect(result).toMatchObject({ exitCode: 2, message: expect.stringContaining('secrets.suppressions[0]') });
        expect(result.message).not.toContain(githubToken);
      } finally {
        await rm(file, { force: true });
      }
      expect(await run([repo, '--policy', join(repo, 'missing.yaml')])).toMatchObject({ exitCode: 2, message: expect.stringContaining('cannot read the policy') });
    });

    it('applies paths.ignore to a revision range too', async () => {
      git('-c', 'user.name=Dana', '-c', 'user.email=dana@example.com', 'commit', '--quiet', '-m', 'all');
      await writeFile(join(repo, '.portcullis.yaml'), policy('2999-12-31'));
      try {
        const report = JSON.parse((await run(['HEAD', '--repo', repo, '--workers', '0'])).out) as Report;
        // gone.ts was committed before it left the work tree: the commit added it.
        expect(paths(report)).toEqual(['gone.ts', 'src/app.ts']);
        expect(report.ignored).toBe(1);
      } finally {
        await rm(join(repo, '.portcullis.yaml'), { force: true });
      }
    });
  });
});
