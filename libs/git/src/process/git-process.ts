import { spawn, type ChildProcess } from 'node:child_process';
import { GitError } from '../git.error.js';
import { scrubCredentials } from '../git-host.js';

/** How one git process may run. */
export interface GitProcessOptions {
  /** `--git-dir` of the repository, when the command works on one. */
  gitDir?: string;
  /**
   * Extra git config, passed through `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` so values (an auth
   * header) never appear in argv / `ps`. Never logged.
   */
  config?: Readonly<Record<string, string>>;
  /** Kill the process (and its children) after this long. */
  timeoutMs: number;
  /** Kill the process when stdout exceeds this many bytes (buffered mode only). */
  maxOutputBytes?: number;
  /** Written to stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Values to hide in error messages (tokens). */
  secrets?: readonly string[];
}

export interface GitResult {
  exitCode: number;
  stdout: Buffer;
  /** Bounded, scrubbed of credentials. */
  stderr: string;
}

const MAX_STDERR = 16 * 1024;

/**
 * Git sees only what we give it: no system/global config (credential helpers, aliases, hooks
 * paths), no terminal prompts, and no lazy fetch of missing partial-clone objects during reads
 * (`protocol.allow=never` unless the caller overrides it for a fetch).
 */
export function baseGitEnv(config: Readonly<Record<string, string>> = {}): Record<string, string> {
  const configs: [string, string][] = [
    ['protocol.allow', 'never'],
    ['core.quotePath', 'false'],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ['fetch.writeCommitGraph', 'false'],
    ['core.askPass', ''],
    ['core.hooksPath', '/dev/null'],
    ['credential.helper', ''],
  ];
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    LANG: 'C',
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_LITERAL_PATHSPECS: '1',
    GIT_ALLOW_PROTOCOL: 'http:https',
    GIT_PROTOCOL_FROM_USER: '0',
  };
  const merged = new Map(configs);
  for (const [k, v] of Object.entries(config)) merged.set(k, v);
  let i = 0;
  for (const [k, v] of merged) {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
    i++;
  }
  env['GIT_CONFIG_COUNT'] = String(i);
  return env;
}

function spawnGit(args: readonly string[], options: GitProcessOptions): ChildProcess {
  const fullArgs = options.gitDir ? ['--git-dir', options.gitDir, ...args] : [...args];
  // detached: its own process group, so a timeout kills git's helpers (remote-https, index-pack) too
  return spawn('git', fullArgs, {
    env: baseGitEnv(options.config),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
}

function killTree(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

function describe(args: readonly string[]): string {
  return `git ${args.slice(0, 2).join(' ')}`;
}

function collectStderr(child: ChildProcess): () => string {
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
  });
  return () => stderr.slice(0, MAX_STDERR);
}

function writeStdin(child: ChildProcess, stdin: string | Buffer | undefined): void {
  child.stdin!.on('error', () => undefined); // git may exit before reading all of stdin
  child.stdin!.end(stdin ?? '');
}

/** Runs git to completion with a timeout and a stdout bound. Non-zero exits are returned, not thrown. */
export function runGit(args: readonly string[], options: GitProcessOptions): Promise<GitResult> {
  const maxOut = options.maxOutputBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, options);
    const stderrOf = collectStderr(child);
    const chunks: Buffer[] = [];
    let size = 0;
    let failure: GitError | undefined;
    const timer = setTimeout(() => {
      failure = new GitError('TIMEOUT', `${describe(args)} did not finish within ${options.timeoutMs} ms`);
      killTree(child);
    }, options.timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOut) {
        failure ??= new GitError('OUTPUT_LIMIT', `${describe(args)} wrote more than ${maxOut} bytes`);
        killTree(child);
        return;
      }
      chunks.push(chunk);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new GitError('GIT_FAILED', `cannot run git: ${error.message}`, error));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      resolve({
        exitCode: code ?? -1,
        stdout: Buffer.concat(chunks),
        stderr: scrubCredentials(stderrOf(), options.secrets),
      });
    });
    writeStdin(child, options.stdin);
  });
}

/** Like `runGit`, but a non-zero exit becomes a GIT_FAILED error. */
export async function runGitOk(args: readonly string[], options: GitProcessOptions): Promise<Buffer> {
  const result = await runGit(args, options);
  if (result.exitCode !== 0) {
    throw new GitError('GIT_FAILED', `${describe(args)} failed (exit ${result.exitCode}): ${oneLine(result.stderr)}`);
  }
  return result.stdout;
}

export function oneLine(text: string, max = 500): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/**
 * Streams git's stdout as records split on `separator`, with back-pressure, in batches: the
 * records each chunk of output completes (a patch has a record per line, and one async step per
 * line cost more than parsing it). `timeoutMs` limits how long git may keep us waiting for the
 * next chunk (time the consumer spends between batches does not count), `maxRecordBytes` bounds
 * memory. Exit status must be 0.
 */
export async function* gitRecords(
  args: readonly string[],
  options: GitProcessOptions & { separator: 0x0a | 0x00; maxRecordBytes: number },
): AsyncGenerator<Buffer[]> {
  const child = spawnGit(args, options);
  const stderrOf = collectStderr(child);
  const closed = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  writeStdin(child, options.stdin);
  const iterator = child.stdout![Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer = Buffer.alloc(0);
  let completed = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
      });
      const next = await Promise.race([iterator.next(), timeout]);
      clearTimeout(timer);
      if (next === 'timeout') {
        throw new GitError('TIMEOUT', `${describe(args)} produced no output for ${options.timeoutMs} ms`);
      }
      if (next.done) break;
      pending = pending.length === 0 ? next.value : Buffer.concat([pending, next.value]);
      const records: Buffer[] = [];
      let start = 0;
      for (;;) {
        const end = pending.indexOf(options.separator, start);
        if (end < 0) break;
        records.push(pending.subarray(start, end));
        start = end + 1;
      }
      pending = pending.subarray(start);
      if (records.length > 0) yield records;
      if (pending.length > options.maxRecordBytes) {
        throw new GitError('OUTPUT_LIMIT', `${describe(args)} wrote a record longer than ${options.maxRecordBytes} bytes`);
      }
    }
    if (pending.length > 0) yield [pending];
    const code = await closed;
    if (spawnError) throw new GitError('GIT_FAILED', `cannot run git: ${spawnError.message}`, spawnError);
    if (code !== 0) {
      throw new GitError(
        'GIT_FAILED',
        `${describe(args)} failed (exit ${code}): ${oneLine(scrubCredentials(stderrOf(), options.secrets))}`,
      );
    }
    completed = true;
  } finally {
    if (!completed) killTree(child);
  }
}
