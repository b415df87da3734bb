import { spawn, type ChildProcess } from 'node:child_process';
import { GitError } from '../git.error.js';
import { baseGitEnv } from './git-process.js';

/** Commands sent together by `infoMany`. */
const BATCH_OBJECTS = 1024;

/** What `cat-file` knows about an object. `missing` includes blobs a partial clone left out. */
export type ObjectInfo = { oid: string; type: string; size: number } | { oid: string; missing: true };

/**
 * One long-lived `git cat-file --batch-command` for many small look-ups (sizes, small blobs),
 * instead of a process per object. Requests are answered one at a time, in order. Missing
 * objects are reported, never lazily fetched (reads run with `protocol.allow=never` and the
 * mirror keeps no promisor config between fetches).
 */
export class CatFileSession {
  private readonly child: ChildProcess;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private exited = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    gitDir: string,
    private readonly timeoutMs: number,
  ) {
    this.child = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch-command'], {
      env: baseGitEnv(),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.waiter?.();
    });
    this.child.stdin!.on('error', () => undefined);
    this.child.on('close', () => {
      this.exited = true;
      this.waiter?.();
    });
    this.child.on('error', () => {
      this.exited = true;
      this.waiter?.();
    });
  }

  /** Type and size of `object` (an oid or `rev:path`; must not contain a newline). */
  info(object: string): Promise<ObjectInfo> {
    return this.serial(async () => {
      this.send(`info ${object}\n`);
      return parseHeader(object, await this.readLine());
    });
  }

  /**
   * `info` for many objects in one round trip: the commands go out in one write and the answers
   * are read in order, instead of waiting for git once per object.
   */
  infoMany(objects: readonly string[]): Promise<ObjectInfo[]> {
    if (objects.length === 0) return Promise.resolve([]);
    return this.serial(() => this.readInfos(objects));
  }

  /**
   * `contents` for many blobs in two round trips (sizes, then the contents of those at most
   * `maxBytes`); undefined for a missing or larger one. Every answer is held in memory at once,
   * so keep `objects.length * maxBytes` small.
   */
  contentsMany(objects: readonly string[], maxBytes: number): Promise<(Buffer | undefined)[]> {
    if (objects.length === 0) return Promise.resolve([]);
    return this.serial(async () => {
      const infos = await this.readInfos(objects);
      const wanted = objects.filter((_, i) => {
        const info = infos[i]!;
        return !('missing' in info) && info.size <= maxBytes;
      });
      this.sendAll('contents', wanted);
      const bodies = new Map<string, Buffer | undefined>();
      for (const object of wanted) {
        const header = parseHeader(object, await this.readLine());
        bodies.set(object, 'missing' in header ? undefined : (await this.readBytes(header.size + 1)).subarray(0, header.size));
      }
      return objects.map((object) => bodies.get(object));
    });
  }

  /** Content of a blob known to be at most `maxBytes`; undefined when missing or larger. */
  contents(oid: string, maxBytes: number): Promise<Buffer | undefined> {
    return this.serial(async () => {
      this.send(`info ${oid}\n`);
      const info = parseHeader(oid, await this.readLine());
      if ('missing' in info || info.size > maxBytes) return undefined;
      this.send(`contents ${oid}\n`);
      const header = parseHeader(oid, await this.readLine());
      if ('missing' in header) return undefined;
      const body = await this.readBytes(header.size + 1); // content + trailing LF
      return body.subarray(0, header.size);
    });
  }

  close(): void {
    this.child.stdin!.end();
    if (!this.exited) setTimeout(() => this.child.kill('SIGKILL'), 1_000).unref();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async readInfos(objects: readonly string[]): Promise<ObjectInfo[]> {
    const infos: ObjectInfo[] = [];
    // in slices, so neither the commands in flight nor the unread answers grow with a huge commit
    for (let from = 0; from < objects.length; from += BATCH_OBJECTS) {
      const slice = objects.slice(from, from + BATCH_OBJECTS);
      this.sendAll('info', slice);
      for (const object of slice) infos.push(parseHeader(object, await this.readLine()));
    }
    return infos;
  }

  private send(command: string): void {
    if (command.indexOf('\n') !== command.length - 1) throw new GitError('INVALID_INPUT', 'object name contains a newline');
    if (this.exited) throw new GitError('GIT_FAILED', 'git cat-file exited unexpectedly');
    this.child.stdin!.write(command);
  }

  /** One write for many commands; every name is checked before anything is sent. */
  private sendAll(verb: 'info' | 'contents', objects: readonly string[]): void {
    if (objects.length === 0) return;
    if (objects.some((object) => object.includes('\n'))) throw new GitError('INVALID_INPUT', 'object name contains a newline');
    if (this.exited) throw new GitError('GIT_FAILED', 'git cat-file exited unexpectedly');
    this.child.stdin!.write(objects.map((object) => `${verb} ${object}\n`).join(''));
  }

  private async readLine(): Promise<string> {
    await this.waitFor(() => this.buffer.indexOf(0x0a) >= 0);
    const end = this.buffer.indexOf(0x0a);
    const line = this.buffer.toString('utf8', 0, end);
    this.buffer = this.buffer.subarray(end + 1);
    return line;
  }

  private async readBytes(n: number): Promise<Buffer> {
    await this.waitFor(() => this.buffer.length >= n);
    const out = Buffer.from(this.buffer.subarray(0, n));
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  private waitFor(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.child.kill('SIGKILL');
        reject(new GitError('TIMEOUT', `git cat-file did not answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiter = () => {
        if (ready()) {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        } else if (this.exited) {
          clearTimeout(timer);
          this.waiter = undefined;
          reject(new GitError('GIT_FAILED', 'git cat-file exited unexpectedly'));
        }
      };
    });
  }
}

function parseHeader(object: string, line: string): ObjectInfo {
  if (line.endsWith(' missing') || line.endsWith(' ambiguous')) return { oid: object, missing: true };
  const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(line);
  if (!m) throw new GitError('GIT_FAILED', 'unexpected git cat-file answer');
  return { oid: m[1]!, type: m[2]!, size: Number(m[3]) };
}
