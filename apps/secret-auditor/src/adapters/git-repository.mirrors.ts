import { type RepositoryRef } from '@portcullis/contracts';
import {
  GitError,
  type GitHostConfig,
  type GitMirror,
  type GitMirrorCache,
  listPushedChanges,
  type PushedRange,
  readFileAt,
  REMOTE_REFS_PREFIX,
  resolveHistory,
  resolvePushedRange,
} from '@portcullis/git';
import { type AuditChange, type ListedRange, type RepositoryMirrors, type RepositoryWorkspace } from '../audit/audit-push.ports.js';

/**
 * Repository workspaces on libs/git's mirror cache. The host of each provider comes from
 * configuration only; a provider without one fails permanently (`HOST_NOT_CONFIGURED`).
 */
export class GitRepositoryMirrors implements RepositoryMirrors {
  constructor(
    private readonly cache: GitMirrorCache,
    private readonly hosts: Readonly<Partial<Record<RepositoryRef['provider'], GitHostConfig>>>,
  ) {}

  withRepository<T>(repository: RepositoryRef, work: (workspace: RepositoryWorkspace) => Promise<T>): Promise<T> {
    const host = this.hosts[repository.provider];
    if (!host) {
      return Promise.reject(new GitError('INVALID_CONFIG', `no git host is configured for provider ${repository.provider}`));
    }
    return this.cache.withMirror(host, { owner: repository.owner, name: repository.name }, (mirror) => work(new MirrorWorkspace(mirror)));
  }
}

class MirrorWorkspace implements RepositoryWorkspace {
  constructor(private readonly mirror: GitMirror) {}

  async fetch(commit: string): Promise<void> {
    await this.mirror.fetchRefs();
    if (!(await this.mirror.hasCommit(commit))) await this.mirror.fetchCommit(commit);
  }

  hasCommit(commit: string): Promise<boolean> {
    return this.mirror.hasCommit(commit);
  }

  isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    return this.mirror.isAncestor(ancestor, descendant);
  }

  async changes(push: { ref: string; before: string; after: string }, onChange: (change: AuditChange) => Promise<void>): Promise<ListedRange> {
    return this.list(await resolvePushedRange(this.mirror, push), onChange);
  }

  async history(ref: string | undefined, onChange: (change: AuditChange) => Promise<void>): Promise<ListedRange & { ref: string; head: string }> {
    const branch = ref ?? (await this.defaultBranch());
    const range = await resolveHistory(this.mirror, branch);
    return { ...(await this.list(range, onChange)), ref: branch, head: range.after };
  }

  private async defaultBranch(): Promise<string> {
    await this.mirror.fetchRefs();
    const heads = (await this.mirror.remoteRefs()).map((r) => r.ref).filter((r) => r.startsWith(`${REMOTE_REFS_PREFIX}heads/`));
    const names = heads.map((r) => `refs/${r.slice(REMOTE_REFS_PREFIX.length)}`);
    const chosen = ['refs/heads/main', 'refs/heads/master'].find((r) => names.includes(r)) ?? names.sort()[0];
    if (chosen === undefined) throw new GitError('RANGE_UNAVAILABLE', 'the repository has no branch to sweep');
    return chosen;
  }

  private async list(range: PushedRange, onChange: (change: AuditChange) => Promise<void>): Promise<ListedRange> {
    const authorOf = new Map(range.commits.map((c) => [c.oid, c.author]));
    for await (const change of listPushedChanges(this.mirror, range)) {
      switch (change.kind) {
        case 'lines':
          await onChange({ kind: 'lines', commit: change.commit, author: change.author, path: change.path, lines: change.addedLines });
          break;
        case 'manifest':
          await onChange({ kind: 'manifest', commit: change.commit, author: authorOf.get(change.commit) ?? '', path: change.path, content: change.content });
          break;
        case 'skipped':
          await onChange({ kind: 'skipped', path: change.path, reason: change.reason });
          break;
      }
    }
    return { commits: range.commits.length, truncatedCommits: range.totalCommits - range.commits.length };
  }

  async readFile(commit: string, path: string, maxBytes: number): Promise<{ kind: 'found'; content: string } | { kind: 'missing' } | { kind: 'too-large' }> {
    const file = await readFileAt(this.mirror, commit, path, maxBytes);
    if (file.status === 'found') return { kind: 'found', content: file.content.toString('utf8') };
    return { kind: file.status };
  }
}
