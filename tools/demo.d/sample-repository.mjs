// Creates a sample repository on the local stack's git server (GIT_HTTP_* from .stack/env) and
// pushes two commits to main: a clean one, then one that leaks a GitHub token in code and commits
// a plaintext Kubernetes Secret. The values are generated here, at run time. Prints "<before> <after>".
//   node tools/demo.d/sample-repository.mjs <owner> <name>
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const [owner, name] = process.argv.slice(2);
const { GIT_HTTP_URL: url, GIT_HTTP_USER: user, GIT_HTTP_PASSWORD: password, GIT_HTTP_ROOT: root } = process.env;
if (!owner || !name || !url || !user || !password || !root) {
  console.error('usage: GIT_HTTP_URL=… GIT_HTTP_USER=… GIT_HTTP_PASSWORD=… GIT_HTTP_ROOT=… sample-repository.mjs <owner> <name>');
  process.exit(2);
}
const bare = join(root, owner, `${name}.git`);
rmSync(bare, { recursive: true, force: true });
mkdirSync(dirname(bare), { recursive: true });
execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', bare]);

const work = mkdtempSync(join(tmpdir(), 'portcullis-demo-repo-'));
const env = {
  PATH: process.env.PATH,
  HOME: work,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'http.extraHeader',
  GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
};
const git = (...args) => execFileSync('git', args, { cwd: work, env }).toString().trim();
const write = (path, content) => {
  mkdirSync(dirname(join(work, path)), { recursive: true });
  writeFileSync(join(work, path), content);
};
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (n) => Array.from(randomBytes(n), (b) => ALNUM[b % ALNUM.length]).join('');
try {
  git('init', '--quiet', '-b', 'main');
  git('config', 'user.name', 'Dana Developer');
  git('config', 'user.email', 'dana@example.com');
  write('README.md', '# shop-api\n');
  write('src/server.ts', "export const port = Number(process.env['PORT'] ?? 8080);\n");
  write('deploy/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop-api\n');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'Initial service');
  const before = git('rev-parse', 'HEAD');
  write('src/github.ts', `// TODO move to the vault\nexport const githubToken = '${'ghp_'}${random(36)}';\n`);
  write('deploy/db-secret.yaml', `apiVersion: v1\nkind: Secret\nmetadata:\n  name: shop-db\nstringData:\n  password: ${random(20)}\n`);
  git('add', '-A');
  git('commit', '--quiet', '-m', 'Wire GitHub client and database');
  const after = git('rev-parse', 'HEAD');
  git('push', '--quiet', `${url}/${owner}/${name}.git`, 'HEAD:refs/heads/main');
  process.stdout.write(`${before} ${after}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
