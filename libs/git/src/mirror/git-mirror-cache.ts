import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GitError } from '../git.error.js';
import { cloneUrlFor, type GitHostConfig, type GitRepositoryId } from '../git-host.js';
import { DEFAULT_GIT_LIMITS, type GitLimits } from '../git-limits.js';
import { runGitOk } from '../process/git-process.js';
import { directorySize, staleGitLeftovers } from './directory-size.js';
import { GitMirror } from './git-mirror.js';
import { KeyedMutex } from './keyed-mutex.js';

export interface GitMirrorCacheOptions {
  /** Directory owned by this process alone (one per service instance). Created if missing. */
  directory: string;
  /** Budget for all mirrors together; least-recently-used mirrors are deleted above it. */
  maxBytes: number;
  /** Defaults: `DEFAULT_GIT_LIMITS`. */
  limits?: Partial<GitLimits>;
}

/** A mirror held for exclusive use until `release()`. */
export interface MirrorLease {
  readonly mirror: GitMirror;
  release(): Promise<void>;
}

interface Entry {
  bytes: number;
  lastUsed: number;
}

const USED_MARKER = 'portcullis-last-used';

/**
 * Per-instance cache of bare partial mirrors on local disk, one per repository. Work on the same
 * repository is serialised (in-process mutex keyed by repository); different repositories run in
 * parallel. The total size is kept under `maxBytes` by evicting least-recently-used mirrors that
 * nobody is using. Leftover lock files of a crashed earlier process are removed before a mirror is
 * used, which is safe because the directory belongs to this process alone.
 */
export class GitMirrorCache {
  readonly limits: GitLimits;
  private readonly mutex = new KeyedMutex();
  private readonly entries = new Map<string, Entry>();
  private evicting: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: GitMirrorCacheOptions,
    limits: GitLimits,
  ) {
    this.limits = limits;
  }

  /** Opens (and recovers) the cache directory. */
  static async open(options: GitMirrorCacheOptions): Promise<GitMirrorCache> {
    if (!(options.maxBytes > 0)) throw new GitError('INVALID_CONFIG', 'mirror cache maxBytes must be positive');
    const limits = { ...DEFAULT_GIT_LIMITS, ...options.limits };
    const cache = new GitMirrorCache(options, limits);
    await mkdir(cache.mirrorsDir, { recursive: true });
    await rm(cache.tmpDir, { recursive: true, force: true }); // half-created mirrors of a crashed run
    await mkdir(cache.tmpDir, { recursive: true });
    for (const name of await readdir(cache.mirrorsDir)) {
      if (!name.endsWith('.git')) continue;
      const dir = join(cache.mirrorsDir, name);
      const lastUsed = await stat(join(dir, USED_MARKER)).then((s) => s.mtimeMs, () => 0);
      cache.entries.set(name.slice(0, -4), { bytes: await directorySize(dir), lastUsed });
    }
    await cache.enforceBudget(undefined);
    return cache;
  }

  /** Bytes used by all mirrors, as last measured. */
  get totalBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.bytes;
    return total;
  }

  /** Number of mirrors on disk. */
  get size(): number {
    return this.entries.size;
  }

  /** True when a mirror of `repo` is on disk. */
  has(host: GitHostConfig, repo: GitRepositoryId): boolean {
    return this.entries.has(keyOf(cloneUrlFor(host, repo.owner, repo.name)));
  }

  /** Runs `work` with exclusive use of the repository's mirror (created empty if needed). */
  async withMirror<T>(host: GitHostConfig, repo: GitRepositoryId, work: (mirror: GitMirror) => Promise<T>): Promise<T> {
    const lease = await this.lease(host, repo);
    try {
      return await work(lease.mirror);
    } finally {
      await lease.release();
    }
  }

  /**
   * Exclusive use of a repository's mirror until `release()` — for streams that outlive one
   * callback. Always release (in a `finally`), or the repository stays locked.
   */
  async lease(host: GitHostConfig, repo: GitRepositoryId): Promise<MirrorLease> {
    const cloneUrl = cloneUrlFor(host, repo.owner, repo.name); // validates before touching the disk
    const key = keyOf(cloneUrl);
    const unlock = await this.mutex.acquire(key);
    try {
      const gitDir = join(this.mirrorsDir, `${key}.git`);
      if (this.entries.has(key)) await removeLeftovers(gitDir);
      else await this.create(gitDir, cloneUrl);
      this.entries.set(key, { bytes: this.entries.get(key)?.bytes ?? 0, lastUsed: Date.now() });
      await touch(join(gitDir, USED_MARKER));
      const mirror = new GitMirror(gitDir, cloneUrl, host, this.limits);
      let released = false;
      return {
        mirror,
        release: async () => {
          if (released) return;
          released = true;
          try {
            await removeLeftovers(gitDir); // a timed-out fetch may have been killed mid-write
            this.entries.set(key, { bytes: await directorySize(gitDir), lastUsed: Date.now() });
          } finally {
            unlock();
          }
          await this.enforceBudget(key);
        },
      };
    } catch (error) {
      unlock();
      throw error;
    }
  }

  private get mirrorsDir(): string {
    return join(this.options.directory, 'mirrors');
  }

  private get tmpDir(): string {
    return join(this.options.directory, 'tmp');
  }

  /** Created under tmp/ and renamed into place, so a crash never leaves a half-initialised mirror. */
  private async create(gitDir: string, cloneUrl: string): Promise<void> {
    await rm(gitDir, { recursive: true, force: true });
    const tmp = join(this.tmpDir, randomBytes(8).toString('hex'));
    const options = { timeoutMs: this.limits.commandTimeoutMs };
    await runGitOk(['init', '--quiet', '--bare', tmp], options);
    // Appended to the config `git init` wrote rather than one `git config` process per key: a
    // mirror is created for every repository an instance sees first, and process start-ups are
    // what an audit waits for on a busy machine (docs/benchmarks.md, "End to end").
    await appendFile(join(tmp, 'config'), mirrorConfig(cloneUrl));
    await writeFile(join(tmp, USED_MARKER), '');
    await rename(tmp, gitDir);
  }

  /** Evicts least-recently-used idle mirrors until the total fits; `current` goes last. */
  private enforceBudget(current: string | undefined): Promise<void> {
    const run = this.evicting.then(async () => {
      if (this.totalBytes <= this.options.maxBytes) return;
      const order = [...this.entries.entries()]
        .sort(([ka, a], [kb, b]) => (ka === current ? 1 : kb === current ? -1 : a.lastUsed - b.lastUsed))
        .map(([key]) => key);
      for (const key of order) {
        if (this.totalBytes <= this.options.maxBytes) break;
        const unlock = this.mutex.tryAcquire(key);
        if (!unlock) continue; // in use or awaited: never delete under someone's feet
        try {
          await rm(join(this.mirrorsDir, `${key}.git`), { recursive: true, force: true });
          this.entries.delete(key);
        } finally {
          unlock();
        }
      }
    });
    this.evicting = run.catch(() => undefined);
    return run;
  }
}

function keyOf(cloneUrl: string): string {
  return createHash('sha256').update(cloneUrl).digest('hex').slice(0, 32);
}

async function touch(path: string): Promise<void> {
  const now = new Date();
  await utimes(path, now, now).catch(() => writeFile(path, ''));
}

async function removeLeftovers(gitDir: string): Promise<void> {
  for (const path of await staleGitLeftovers(gitDir)) await rm(path, { recursive: true, force: true });
}

/**
 * The mirror's own settings in git's config syntax: the remote (a quoted value, `\\` and `"`
 * escaped; a URL never holds a line break, and one that did is refused), no reflogs, no automatic gc.
 */
export function mirrorConfig(cloneUrl: string): string {
  if (/[\r\n\0]/.test(cloneUrl)) throw new GitError('INVALID_INPUT', 'a clone URL cannot contain a line break or NUL');
  const quoted = `"${cloneUrl.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return `[remote "origin"]\n\turl = ${quoted}\n[core]\n\tlogAllRefUpdates = false\n[gc]\n\tauto = 0\n`;
}
