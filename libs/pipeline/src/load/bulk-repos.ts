import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One repository to create: its base tree and the files its release commit changes. */
export interface BulkRepoInput {
  readonly name: string;
  readonly base: Readonly<Record<string, string>>;
  readonly release: Readonly<Record<string, string>>;
  readonly releaseMessage: string;
}

/** The two commits of a created repository; `main` points at `base` until {@link publishRelease}. */
export interface BulkRepoCommits {
  readonly base: string;
  readonly release: string;
}

export const LOAD_AUTHOR = { name: 'Load Generator', email: 'loadgen@example.com' } as const;

/** The object store the run's repositories borrow from (git alternates), under the owner's directory so the run's cleanup removes it. */
export const OBJECT_STORE = '_load-objects.git';

function data(content: string): string {
  return `data ${Buffer.byteLength(content)}\n${content}\n`;
}

/**
 * The `git fast-import` stream of every repository's two commits, on one branch per repository
 * (`refs/heads/<name>`, which keeps them reachable in the store). Marks: `:(2i+1)` base, `:(2i+2)` release.
 */
export function fastImportStream(repos: readonly BulkRepoInput[], epochSeconds: number): string {
  const who = `${LOAD_AUTHOR.name} <${LOAD_AUTHOR.email}> ${epochSeconds} +0000`;
  const parts: string[] = [];
  repos.forEach((repo, i) => {
    const ref = `refs/heads/${repo.name}`;
    const commit = (mark: number, message: string, files: Readonly<Record<string, string>>, from?: number) => {
      parts.push(`commit ${ref}\nmark :${mark}\nauthor ${who}\ncommitter ${who}\n${data(message)}`);
      if (from !== undefined) parts.push(`from :${from}\n`);
      for (const [path, content] of Object.entries(files)) parts.push(`M 100644 inline ${path}\n${data(content)}`);
      parts.push('\n');
    };
    commit(2 * i + 1, `Create ${repo.name}`, repo.base);
    commit(2 * i + 2, repo.releaseMessage, repo.release, 2 * i + 1);
  });
  parts.push('done\n');
  return parts.join('');
}

/** `:mark sha` lines of `--export-marks` → mark → sha. */
export function parseMarks(text: string): Map<number, string> {
  const marks = new Map<number, string>();
  for (const line of text.split('\n')) {
    const match = /^:(\d+) ([0-9a-f]{40})$/.exec(line.trim());
    if (match) marks.set(Number(match[1]), match[2]!);
  }
  return marks;
}

/**
 * Creates every repository on the git server's disk at once, the fastest way measured here (see
 * docs/benchmarks.md “End to end”): one `git fast-import` writes all commits into one object store,
 * and each repository is a bare directory of five small files that borrows the store's objects
 * (`objects/info/alternates`). No process per repository; the services still fetch over HTTP
 * (`git http-backend` serves alternates like own objects).
 */
export async function createBulkRepos(gitRoot: string, owner: string, repos: readonly BulkRepoInput[]): Promise<Map<string, BulkRepoCommits>> {
  const ownerDir = join(gitRoot, owner);
  const store = join(ownerDir, OBJECT_STORE);
  mkdirSync(ownerDir, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--bare', store]);
  const marksFile = join(store, 'load-marks');
  const stream = fastImportStream(repos, Math.floor(Date.now() / 1000));
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', [`--git-dir=${store}`, 'fast-import', '--quiet', `--export-marks=${marksFile}`], { stdio: ['pipe', 'ignore', 'pipe'] });
    const errors: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => errors.push(c));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited with ${code}: ${Buffer.concat(errors).toString('utf8').slice(0, 500)}`))));
    child.stdin.end(stream);
  });
  const marks = parseMarks(readFileSync(marksFile, 'utf8'));
  const out = new Map<string, BulkRepoCommits>();
  repos.forEach((repo, i) => {
    const base = marks.get(2 * i + 1);
    const release = marks.get(2 * i + 2);
    if (base === undefined || release === undefined) throw new Error(`git fast-import gave no commit for ${repo.name}`);
    const dir = join(ownerDir, `${repo.name}.git`);
    for (const sub of ['objects/info', 'objects/pack', 'refs/heads', 'refs/tags']) mkdirSync(join(dir, sub), { recursive: true });
    writeFileSync(join(dir, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(dir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n');
    writeFileSync(join(dir, 'objects/info/alternates'), `${join(store, 'objects')}\n`);
    writeFileSync(join(dir, 'refs/heads/main'), `${base}\n`);
    out.set(repo.name, { base, release });
  });
  return out;
}

/**
 * The developer's `git push` of the release: `main` moves to the release commit (written to a
 * temporary file and renamed, so a concurrent fetch sees the old or the new tip, never half).
 */
export function publishRelease(gitRoot: string, owner: string, name: string, sha: string): void {
  const ref = join(gitRoot, owner, `${name}.git`, 'refs/heads/main');
  writeFileSync(`${ref}.lock`, `${sha}\n`);
  renameSync(`${ref}.lock`, ref);
}
