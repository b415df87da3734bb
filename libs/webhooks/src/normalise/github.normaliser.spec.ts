import { RegistryEvents, ScmEvents, ZERO_SHA } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { withHostileUrls } from '../../test/fixtures.js';
import { githubExamples } from '../../test/github-examples.js';
import { normaliseGithub } from './github.normaliser.js';
import { type NormaliseOutcome } from './normalise-outcome.js';

const delivery = { deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', receivedAt: '2026-01-15T12:00:00.000Z' };

function bodyOf(outcome: NormaliseOutcome) {
  if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
  // What a consumer would do: the body must pass the topic's own schema.
  return ScmEvents.schema.parse(outcome.body);
}

const pushes = githubExamples('push');
const branchCreated = pushes.find((p) => p['ref'] === 'refs/heads/master' && p['created'] === true);
const tagCreated = pushes.find((p) => p['ref'] === 'refs/tags/simple-tag' && p['created'] === true);
const tagDeleted = pushes.find((p) => p['ref'] === 'refs/tags/simple-tag' && p['deleted'] === true);
if (!branchCreated || !tagCreated || !tagDeleted) throw new Error('@octokit/webhooks-examples no longer has the push examples these tests use');

describe('normaliseGithub push', () => {
  it('turns a new branch (before = zeros) into a push event with its commits and paths', () => {
    const sut = normaliseGithub;
    const body = bodyOf(sut('push', branchCreated, delivery));
    expect(body).toMatchObject({
      kind: 'push',
      ...delivery,
      repository: { provider: 'github', owner: 'Codertocat', name: 'Hello-World' },
      ref: 'refs/heads/master',
      before: ZERO_SHA,
      after: branchCreated['after'],
      forced: false,
      pusher: 'Codertocat',
      commitsTruncated: false,
      pathsTruncated: false,
    });
  });

  it('maps an ordinary branch push, listing commits oldest first and deduplicating paths', () => {
    const push = {
      ...structuredClone(branchCreated),
      before: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
      after: 'a10867b14bb761a232cd80139fbd4c0d33264240',
      created: false,
      forced: true,
      commits: [
        { id: '1111111111111111111111111111111111111111', message: 'first\n\nbody', author: { name: 'Ada' }, added: ['a.txt'], modified: [], removed: [] },
        { id: '2222222222222222222222222222222222222222', message: 'second', author: { name: 'Bob' }, added: [], modified: ['a.txt', 'b/c.yaml'], removed: ['gone'] },
      ],
    };
    const body = bodyOf(normaliseGithub('push', push, delivery));
    expect(body).toMatchObject({
      kind: 'push',
      forced: true,
      commits: [
        { sha: '1111111111111111111111111111111111111111', title: 'first', author: 'Ada' },
        { sha: '2222222222222222222222222222222222222222', title: 'second', author: 'Bob' },
      ],
      changedPaths: ['a.txt', 'b/c.yaml'],
    });
  });

  it('caps commits at 100 and says so', () => {
    const commits = Array.from({ length: 150 }, (_, i) => ({
      id: i.toString(16).padStart(40, '0'),
      message: `commit ${i}`,
      author: { name: 'Ada' },
      added: [`f${i}`],
      modified: [],
    }));
    const body = bodyOf(normaliseGithub('push', { ...structuredClone(branchCreated), commits }, delivery));
    expect(body).toMatchObject({ kind: 'push', commitsTruncated: true, pathsTruncated: true });
    if (body.kind !== 'push') throw new Error('unreachable');
    expect(body.commits).toHaveLength(100);
  });

  it('turns a deleted branch into a push with after = zeros', () => {
    const deleted = { ...structuredClone(branchCreated), before: branchCreated['after'], after: ZERO_SHA, created: false, deleted: true, commits: [] };
    expect(bodyOf(normaliseGithub('push', deleted, delivery))).toMatchObject({ kind: 'push', after: ZERO_SHA, before: branchCreated['after'] });
  });

  it('turns tag pushes into tag events, created at the new commit and deleted at the old one', () => {
    expect(bodyOf(normaliseGithub('push', tagCreated, delivery))).toMatchObject({
      kind: 'tag',
      action: 'created',
      ref: 'refs/tags/simple-tag',
      sha: tagCreated['after'],
      pusher: 'Codertocat',
    });
    expect(bodyOf(normaliseGithub('push', tagDeleted, delivery))).toMatchObject({
      kind: 'tag',
      action: 'deleted',
      sha: tagDeleted['before'],
    });
  });

  it('ignores refs that are neither branches nor tags', () => {
    expect(normaliseGithub('push', { ...structuredClone(branchCreated), ref: 'refs/notes/commits' }, delivery)).toEqual({
      kind: 'ignored',
      reason: 'unsupported-ref',
    });
  });

  it.each(pushes.map((p, i) => [i, p] as const))('produces a valid event for published push example #%i', (_i, payload) => {
    expect(bodyOf(normaliseGithub('push', payload, delivery)).repository).toEqual({ provider: 'github', owner: 'Codertocat', name: 'Hello-World' });
  });

  it('reports a payload missing required fields as invalid, naming the fields', () => {
    const outcome = normaliseGithub('push', { ref: 'refs/heads/main' }, delivery);
    expect(outcome.kind).toBe('invalid');
    if (outcome.kind !== 'invalid') throw new Error('unreachable');
    expect(outcome.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['before', 'after', 'repository']));
  });

  it('reports a payload whose values break the contract as invalid', () => {
    const outcome = normaliseGithub('push', { ...structuredClone(branchCreated), after: 'not-a-sha' }, delivery);
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: 'after' }] });
  });
});

describe('normaliseGithub pull_request', () => {
  const prs = githubExamples('pull_request');
  const byAction = (action: string) => {
    const found = prs.find((p) => p['action'] === action);
    if (!found) throw new Error(`no pull_request.${action} example`);
    return found;
  };

  it.each(['opened', 'synchronize', 'reopened'])('maps the published %s example', (action) => {
    const body = bodyOf(normaliseGithub('pull_request', byAction(action), delivery));
    expect(body).toMatchObject({ kind: 'pull_request', action, repository: { provider: 'github' } });
    if (body.kind !== 'pull_request') throw new Error('unreachable');
    expect(body.head.ref).toMatch(/^refs\/heads\//);
    expect(body.base.ref).toMatch(/^refs\/heads\//);
  });

  it('tells a merge from a close without merge', () => {
    const closed = structuredClone(byAction('closed'));
    const pr = closed['pull_request'] as Record<string, unknown>;
    pr['merged'] = false;
    expect(bodyOf(normaliseGithub('pull_request', closed, delivery))).toMatchObject({ action: 'closed' });
    pr['merged'] = true;
    expect(bodyOf(normaliseGithub('pull_request', closed, delivery))).toMatchObject({ action: 'merged' });
  });

  it('names the fork a pull request comes from', () => {
    const opened = structuredClone(byAction('opened'));
    const head = (opened['pull_request'] as { head: { repo: { name: string; owner: { login: string } } } }).head;
    head.repo.owner.login = 'forker';
    head.repo.name = 'Hello-Fork';
    expect(bodyOf(normaliseGithub('pull_request', opened, delivery))).toMatchObject({
      headRepository: { provider: 'github', owner: 'forker', name: 'Hello-Fork' },
    });
  });

  it('ignores actions that change no code', () => {
    expect(normaliseGithub('pull_request', byAction('labeled'), delivery)).toEqual({ kind: 'ignored', reason: 'pull_request.labeled' });
  });
});

describe('normaliseGithub other events', () => {
  it('answers ping without an event', () => {
    expect(normaliseGithub('ping', githubExamples('ping')[0], delivery)).toEqual({ kind: 'ping' });
  });

  it('ignores events it does not handle', () => {
    expect(normaliseGithub('star', {}, delivery)).toEqual({ kind: 'ignored', reason: 'unsupported-event:star' });
  });
});

describe('normaliseGithub packages', () => {
  const DIGEST = 'sha256:3da1996a8115d7616457760d9920b815241d0a03b34cf5f04e9a0e9d8de37498';
  const context = { ...delivery, registryId: 'ghcr.io' };
  // The published example with container metadata says `package_type: 'npm'`; GHCR sends `CONTAINER`.
  const containerExample = () => {
    const found = githubExamples('package').find((p) => (p['package'] as { package_version: { container_metadata?: unknown } }).package_version.container_metadata);
    if (!found) throw new Error('@octokit/webhooks-examples no longer has the container package example');
    (found['package'] as { package_type: string }).package_type = 'CONTAINER';
    return found;
  };

  it('maps the published container example to image.pushed on the configured registry', () => {
    const outcome = normaliseGithub('package', containerExample(), context);
    if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
    expect(RegistryEvents.schema.parse(outcome.body)).toEqual({
      kind: 'image.pushed',
      ...delivery,
      source: 'ghcr',
      // The example's manifest digest is 40 hex (not a sha256 digest); the version name is the real one.
      image: { registry: 'ghcr.io', repository: 'codertocat/hello-world-npm', digest: DIGEST },
      // GitHub's `container_metadata.manifest.media_type`.
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      repository: { provider: 'github', owner: 'Codertocat', name: 'hello-world-npm' },
    });
  });

  it('reads registry_package the same way and keeps the tag', () => {
    const { package: pkg, ...rest } = containerExample();
    const version = (pkg as { package_version: { container_metadata: { tag: { name: string } } } }).package_version;
    version.container_metadata.tag.name = 'v1.2.0';
    expect(normaliseGithub('registry_package', { ...rest, registry_package: pkg }, context)).toMatchObject({
      kind: 'event',
      body: { kind: 'image.pushed', image: { tag: 'v1.2.0', digest: DIGEST } },
    });
  });

  it('ignores non-container packages, other actions and container versions without a digest', () => {
    const npm = githubExamples('package').find((p) => !(p['package'] as { package_version: { container_metadata?: unknown } }).package_version.container_metadata);
    expect(normaliseGithub('package', npm, context)).toEqual({ kind: 'ignored', reason: 'package-not-a-container' });
    expect(normaliseGithub('package', { ...containerExample(), action: 'updated' }, context)).toEqual({ kind: 'ignored', reason: 'package.updated' });
    const noDigest = containerExample();
    const pkg = noDigest['package'] as { package_version: Record<string, unknown> };
    pkg.package_version = { name: 'latest', version: 'latest' };
    expect(normaliseGithub('package', noDigest, context)).toEqual({ kind: 'ignored', reason: 'package-without-digest' });
  });

  it('ignores workflow_run as informational', () => {
    const completed = githubExamples('workflow_run').find((p) => p['action'] === 'completed');
    expect(normaliseGithub('workflow_run', completed, delivery)).toEqual({ kind: 'ignored', reason: 'workflow_run.completed:informational' });
  });

  it('never takes the registry host from package_url', () => {
    const payload = containerExample();
    const attacked = normaliseGithub('package', withHostileUrls(payload), context);
    expect(attacked).toEqual(normaliseGithub('package', payload, context));
    expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
  });
});

describe('URLs in GitHub payloads', () => {
  it('a hostile clone_url (or any other URL) changes nothing in the output', () => {
    const payloads: [string, Record<string, unknown>][] = [
      ['push', branchCreated],
      ['push', tagCreated],
      ['pull_request', githubExamples('pull_request').find((p) => p['action'] === 'opened') ?? {}],
    ];
    for (const [event, payload] of payloads) {
      const hostile = withHostileUrls(payload);
      expect(JSON.stringify(hostile)).toContain('evil.example.net');
      const honest = normaliseGithub(event, payload, delivery);
      const attacked = normaliseGithub(event, hostile, delivery);
      expect(attacked).toEqual(honest);
      expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
    }
  });
});
