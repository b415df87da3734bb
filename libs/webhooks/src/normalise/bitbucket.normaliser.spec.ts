import { ScmEvents, ZERO_SHA } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { fixture, withHostileUrls } from '../../test/fixtures.js';
import { normaliseBitbucketCloud } from './bitbucket.normaliser.js';
import { type NormaliseOutcome, publishablesOf } from './normalise-outcome.js';

const delivery = { deliveryId: '3b4b6b1e-2a58-4f8e-9a6f-0c6f1e6f2a11', receivedAt: '2026-01-15T12:00:00.000Z' };
const NEW = '709d658dc5b6d6afcd46049c2f332ee3f515a67d';
const OLD = '1e65c05c1d5171631d92438a13901ca7dae9618c';

function bodiesOf(outcome: NormaliseOutcome) {
  if (outcome.kind !== 'events' && outcome.kind !== 'event') throw new Error(`expected events, got ${JSON.stringify(outcome)}`);
  return publishablesOf(outcome).map((item) => ScmEvents.schema.parse(item.body));
}

type Change = Record<string, unknown> & { new: Record<string, unknown> | null; old: Record<string, unknown> | null };
function pushWith(edit: (change: Change) => void): Record<string, unknown> {
  const payload = fixture('bitbucket-cloud-repo-push.json');
  const change = (payload['push'] as { changes: Change[] }).changes[0];
  if (!change) throw new Error('fixture has no change');
  edit(change);
  return payload;
}

describe('normaliseBitbucketCloud repo:push', () => {
  it('maps the documented push example to one push event per change', () => {
    const sut = normaliseBitbucketCloud;
    const outcome = sut('repo:push', fixture('bitbucket-cloud-repo-push.json'), delivery);
    expect(outcome.kind).toBe('events');
    expect(bodiesOf(outcome)).toEqual([
      {
        kind: 'push',
        ...delivery,
        repository: { provider: 'bitbucket', owner: 'team_name', name: 'repo_name' },
        ref: 'refs/heads/name-of-branch',
        before: OLD,
        after: NEW,
        forced: false,
        pusher: 'emmap1',
        commits: [{ sha: '03f4a7270240708834de475bcf21532d6134777e', title: 'commit message', author: 'Emma' }],
        commitsTruncated: false,
        // Bitbucket never lists changed paths.
        changedPaths: [],
        pathsTruncated: true,
      },
    ]);
  });

  it('maps created (no old), closed (no new), forced and truncated changes', () => {
    const created = pushWith((c) => {
      c.old = null;
      c['created'] = true;
      c['truncated'] = true;
    });
    expect(bodiesOf(normaliseBitbucketCloud('repo:push', created, delivery))[0]).toMatchObject({ before: ZERO_SHA, after: NEW, commitsTruncated: true });
    const closed = pushWith((c) => {
      c.new = null;
      c['closed'] = true;
      c['commits'] = [];
    });
    expect(bodiesOf(normaliseBitbucketCloud('repo:push', closed, delivery))[0]).toMatchObject({ before: OLD, after: ZERO_SHA, pathsTruncated: false });
    const forced = pushWith((c) => {
      c['forced'] = true;
    });
    expect(bodiesOf(normaliseBitbucketCloud('repo:push', forced, delivery))[0]).toMatchObject({ forced: true });
  });

  it('turns tag changes into tag events and keeps several changes in order', () => {
    const payload = pushWith((c) => {
      c.old = null;
    });
    const changes = (payload['push'] as { changes: Change[] }).changes;
    const tag = structuredClone(changes[0]) as Change;
    (tag.new as Record<string, unknown>)['type'] = 'tag';
    (tag.new as Record<string, unknown>)['name'] = 'v1.0.0';
    changes.push(tag);
    const bodies = bodiesOf(normaliseBitbucketCloud('repo:push', payload, delivery));
    expect(bodies.map((b) => b.kind)).toEqual(['push', 'tag']);
    expect(bodies[1]).toMatchObject({ kind: 'tag', action: 'created', ref: 'refs/tags/v1.0.0', sha: NEW });
  });

  it('lists commits oldest first (Bitbucket sends newest first) without e-mail addresses', () => {
    const payload = pushWith((c) => {
      c['commits'] = [
        { hash: '2'.repeat(40), message: 'second', author: { raw: 'Bob <bob@example.com>' } },
        { hash: '1'.repeat(40), message: 'first', author: { raw: 'Ada <ada@example.com>' } },
      ];
    });
    const body = bodiesOf(normaliseBitbucketCloud('repo:push', payload, delivery))[0];
    expect(body).toMatchObject({ commits: [{ sha: '1'.repeat(40), author: 'Ada' }, { sha: '2'.repeat(40), author: 'Bob' }] });
    expect(JSON.stringify(body)).not.toContain('@example.com');
  });

  it('is invalid as a whole when one change is, naming the change', () => {
    const payload = pushWith((c) => {
      (c.new as { target: { hash: string } }).target.hash = 'not-a-sha';
    });
    const outcome = normaliseBitbucketCloud('repo:push', payload, delivery);
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: 'push.changes.0.after' }] });
  });

  it('ignores a push with no changes', () => {
    const payload = fixture('bitbucket-cloud-repo-push.json');
    (payload['push'] as { changes: unknown[] }).changes = [];
    expect(normaliseBitbucketCloud('repo:push', payload, delivery)).toEqual({ kind: 'ignored', reason: 'no-changes' });
  });
});

describe('normaliseBitbucketCloud pull requests', () => {
  const withFullHashes = () => {
    const payload = fixture('bitbucket-cloud-pullrequest-created.json');
    const pr = payload['pullrequest'] as { source: { commit: { hash: string } }; destination: { commit: { hash: string } } };
    pr.source.commit.hash = 'd3022fc0ca3d'.padEnd(40, 'a');
    pr.destination.commit.hash = 'ce5965ddd289'.padEnd(40, 'b');
    return payload;
  };

  it('ignores the documented example: Bitbucket sends abbreviated commit hashes', () => {
    expect(normaliseBitbucketCloud('pullrequest:created', fixture('bitbucket-cloud-pullrequest-created.json'), delivery)).toEqual({
      kind: 'ignored',
      reason: 'pull-request-head-sha-abbreviated',
    });
  });

  it.each([
    ['pullrequest:created', 'opened'],
    ['pullrequest:updated', 'synchronize'],
    ['pullrequest:fulfilled', 'merged'],
    ['pullrequest:rejected', 'closed'],
  ])('maps %s to %s', (event, action) => {
    expect(bodiesOf(normaliseBitbucketCloud(event, withFullHashes(), delivery))).toEqual([
      {
        kind: 'pull_request',
        ...delivery,
        repository: { provider: 'bitbucket', owner: 'team_name', name: 'repo_name' },
        action,
        number: 1,
        title: 'Title of pull request',
        author: 'emmap1',
        head: { ref: 'refs/heads/branch2', sha: 'd3022fc0ca3d'.padEnd(40, 'a') },
        base: { ref: 'refs/heads/master', sha: 'ce5965ddd289'.padEnd(40, 'b') },
      },
    ]);
  });

  it('omits an abbreviated base hash and names a fork', () => {
    const payload = withFullHashes();
    const pr = payload['pullrequest'] as { destination: { commit: { hash: string } }; source: { repository: { full_name: string } } };
    pr.destination.commit.hash = 'ce5965ddd289';
    pr.source.repository.full_name = 'forker/repo_fork';
    const [body] = bodiesOf(normaliseBitbucketCloud('pullrequest:updated', payload, delivery));
    expect(body).toMatchObject({ base: { ref: 'refs/heads/master' }, headRepository: { provider: 'bitbucket', owner: 'forker', name: 'repo_fork' } });
    expect(body && body.kind === 'pull_request' ? body.base.sha : 'x').toBeUndefined();
  });

  it('ignores other pull request events and other events', () => {
    expect(normaliseBitbucketCloud('pullrequest:approved', {}, delivery)).toEqual({ kind: 'ignored', reason: 'unsupported-event:pullrequest:approved' });
    expect(normaliseBitbucketCloud('repo:fork', {}, delivery)).toEqual({ kind: 'ignored', reason: 'unsupported-event:repo:fork' });
    expect(normaliseBitbucketCloud(undefined, {}, delivery)).toMatchObject({ kind: 'invalid' });
  });
});

describe('URLs in Bitbucket Cloud payloads', () => {
  it('a hostile URL anywhere in the payload changes nothing in the output', () => {
    const pr = fixture('bitbucket-cloud-pullrequest-created.json');
    const prRecord = pr['pullrequest'] as { source: { commit: { hash: string } } };
    prRecord.source.commit.hash = 'a'.repeat(40);
    for (const [event, payload] of [
      ['repo:push', fixture('bitbucket-cloud-repo-push.json')],
      ['pullrequest:created', pr],
    ] as const) {
      const hostile = withHostileUrls(payload);
      expect(JSON.stringify(hostile)).toContain('evil.example.net');
      const attacked = normaliseBitbucketCloud(event, hostile, delivery);
      expect(attacked).toEqual(normaliseBitbucketCloud(event, payload, delivery));
      expect(attacked.kind === 'event' || attacked.kind === 'events').toBe(true);
      expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
    }
  });
});
