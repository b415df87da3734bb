import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The git smart-HTTP server of the local stack (`tools/stack/stack up`). */
export interface GitServerEnv {
  url: string;
  user: string;
  password: string;
  /** Directory of bare repos: `<root>/<owner>/<name>.git`. */
  root: string;
}

/** Reads the server's address; fails with instructions (never skips) when the stack is not up. */
export function gitServerEnv(env: Record<string, string | undefined> = process.env): GitServerEnv {
  const names = ['GIT_HTTP_URL', 'GIT_HTTP_USER', 'GIT_HTTP_PASSWORD', 'GIT_HTTP_ROOT'];
  const missing = names.filter((n) => !env[n]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: integration tests need the local stack's git server. ` +
        'Run `tools/stack/stack up` and `set -a; . .stack/env; set +a`.',
    );
  }
  return { url: env['GIT_HTTP_URL']!, user: env['GIT_HTTP_USER']!, password: env['GIT_HTTP_PASSWORD']!, root: env['GIT_HTTP_ROOT']! };
}

/** A git host config (libs/git's `GitHostConfig`) for the test server. */
export interface TestGitHost {
  baseUrl: string;
  allowInsecureHttp: boolean;
  credentials: { username: string; token: string };
}

/** Host config pointing at the test server, with its credentials (or the given wrong ones). */
export function testHost(server: GitServerEnv, credentials = { username: server.user, token: server.password }): TestGitHost {
  return { baseUrl: server.url, allowInsecureHttp: true, credentials };
}

/** A fresh owner name, so test files never share repositories. */
export function uniqueOwner(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

/** Creates an empty bare repository on the server (`main` as HEAD). */
export function createRemoteRepo(server: GitServerEnv, owner: string, name: string): void {
  const path = join(server.root, owner, `${name}.git`);
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('git', ['init', '--quiet', '--bare', '-b', 'main', path]);
}

/** A temporary working copy that pushes to the test server with the git CLI. */
export class WorkTree {
  readonly dir: string;
  private readonly remote: string;
  private readonly authEnv: Record<string, string>;

  constructor(server: GitServerEnv, owner: string, name: string) {
    this.dir = mkdtempSync(join(tmpdir(), 'portcullis-git-wt-'));
    this.remote = `${server.url}/${owner}/${name}.git`;
    const header = `Authorization: Basic ${Buffer.from(`${server.user}:${server.password}`).toString('base64')}`;
    this.authEnv = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: header };
    this.git('init', '--quiet', '-b', 'main');
    this.git('config', 'user.name', 'Test Author');
    this.git('config', 'user.email', 'author@example.com');
    this.git('config', 'core.autocrlf', 'false');
  }

  /** Runs git in the work tree; returns trimmed stdout. */
  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: {
        PATH: process.env['PATH'],
        HOME: this.dir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        ...this.authEnv,
      },
      maxBuffer: 64 * 1024 * 1024,
    })
      .toString('utf8')
      .trim();
  }

  write(path: string, content: string | Buffer): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  /** Stages everything and commits; returns the commit id. */
  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD');
  }

  push(...refspecs: string[]): void {
    this.git('push', '--quiet', this.remote, ...refspecs);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const ZERO = '0'.repeat(40);
