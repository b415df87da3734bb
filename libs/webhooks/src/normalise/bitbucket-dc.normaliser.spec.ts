import { ScmEvents, ZERO_SHA } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { fixture, withHostileUrls } from '../../test/fixtures.js';
import { normaliseBitbucketDataCenter } from './bitbucket-dc.normaliser.js';
import { type NormaliseOutcome, publishablesOf } from './normalise-outcome.js';

const delivery = { deliveryId: '9a8f6c2e-5a2b-4c44-8a55-2f0a7c1d0e01', receivedAt: '2026-01-15T12:00:00.000Z' };

function bodiesOf(outcome: NormaliseOutcome) {
  if (outcome.kind !== 'events' && outcome.kind !== 'event') throw new Error(`expected events, got ${JSON.stringify(outcome)}`);
  return publishablesOf(outcome).map((item) => ScmEvents.schema.parse(item.body));
}

interface DcChange {
  refId: string;
  fromHash: string;
  toHash: string;
  type: string;
}
function refsChanged(changes?: DcChange[]): Record<string, unknown> {
  const payload = fixture('bitbucket-dc-repo-refs-changed.json');
  if (changes) payload['changes'] = changes;
  return payload;
}

/** The go-playground capture is in a personal project (`~gopher`); move it to a project key. */
function prOpened(): Record<string, unknown> {
  const payload = fixture('bitbucket-dc-pr-opened.json');
  const pr = payload['pullRequest'] as { fromRef: { repository: { project: { key: string } } }; toRef: { repository: { project: { key: string } } } };
  pr.fromRef.repository.project.key = 'GO';
  pr.toRef.repository.project.key = 'GO';
  return payload;
}

describe('normaliseBitbucketDataCenter repo:refs_changed', () => {
  it('maps the documented push example', () => {
    const sut = normaliseBitbucketDataCenter;
    expect(bodiesOf(sut('repo:refs_changed', refsChanged(), delivery))).toEqual([
      {
        kind: 'push',
        ...delivery,
        repository: { provider: 'bitbucket-dc', owner: 'PROJ', name: 'repository' },
        ref: 'refs/heads/master',
        before: 'ecddabb624f6f5ba43816f5926e580a5f680a932',
        after: '178864a7d521b6f5e720b386b2c2b0ef8563e0dc',
        forced: false,
        pusher: 'admin',
        commits: [],
        commitsTruncated: true,
        changedPaths: [],
        pathsTruncated: true,
      },
    ]);
  });

  it('maps ADD, DELETE and tag changes, one event per change, in order', () => {
    const sha = '178864a7d521b6f5e720b386b2c2b0ef8563e0dc';
    const bodies = bodiesOf(
      normaliseBitbucketDataCenter(
        'repo:refs_changed',
        refsChanged([
          { refId: 'refs/heads/feature', fromHash: ZERO_SHA, toHash: sha, type: 'ADD' },
          { refId: 'refs/heads/old', fromHash: sha, toHash: ZERO_SHA, type: 'DELETE' },
          { refId: 'refs/tags/v1.0.0', fromHash: ZERO_SHA, toHash: sha, type: 'ADD' },
        ]),
        delivery,
      ),
    );
    expect(bodies).toMatchObject([
      { kind: 'push', ref: 'refs/heads/feature', before: ZERO_SHA, after: sha },
      { kind: 'push', ref: 'refs/heads/old', after: ZERO_SHA, commitsTruncated: false, pathsTruncated: false },
      { kind: 'tag', action: 'created', ref: 'refs/tags/v1.0.0', sha },
    ]);
  });

  it('ignores repositories in personal projects (`~user` is no contract owner)', () => {
    expect(normaliseBitbucketDataCenter('repo:refs_changed', fixture('bitbucket-dc-repo-refs-changed.json'), delivery).kind).toBe('events');
    const personal = refsChanged();
    (personal['repository'] as { project: { key: string } }).project.key = '~gopher';
    expect(normaliseBitbucketDataCenter('repo:refs_changed', personal, delivery)).toEqual({ kind: 'ignored', reason: 'personal-project-unsupported' });
    expect(normaliseBitbucketDataCenter('pr:opened', fixture('bitbucket-dc-pr-opened.json'), delivery)).toEqual({
      kind: 'ignored',
      reason: 'personal-project-unsupported',
    });
  });

  it('reports a malformed change as invalid, naming it', () => {
    const outcome = normaliseBitbucketDataCenter('repo:refs_changed', refsChanged([{ refId: 'refs/heads/x', fromHash: 'zz', toHash: ZERO_SHA, type: 'DELETE' }]), delivery);
    expect(outcome).toMatchObject({ kind: 'invalid', issues: [{ path: 'changes.0.before' }] });
  });
});

describe('normaliseBitbucketDataCenter pull requests', () => {
  it.each([
    ['pr:opened', 'opened'],
    ['pr:modified', 'synchronize'],
    ['pr:from_ref_updated', 'synchronize'],
    ['pr:merged', 'merged'],
    ['pr:declined', 'closed'],
    ['pr:reopened', 'reopened'],
  ])('maps %s to %s', (event, action) => {
    expect(bodiesOf(normaliseBitbucketDataCenter(event, prOpened(), delivery))).toEqual([
      {
        kind: 'pull_request',
        ...delivery,
        repository: { provider: 'bitbucket-dc', owner: 'GO', name: 'webhook-test' },
        action,
        number: 5,
        title: 'Update README',
        author: 'gopher',
        head: { ref: 'refs/heads/feature/wip', sha: '32a0b8a740c2963c6f56bd8baf3dc05683d299e0' },
        base: { ref: 'refs/heads/master', sha: 'cde6c45a4210afe81638aa1f3aa960d633c66a90' },
      },
    ]);
  });

  it('names the fork a pull request comes from', () => {
    const payload = prOpened();
    const from = (payload['pullRequest'] as { fromRef: { repository: { slug: string; project: { key: string } } } }).fromRef.repository;
    from.project.key = 'FORK';
    from.slug = 'webhook-fork';
    expect(bodiesOf(normaliseBitbucketDataCenter('pr:opened', payload, delivery))[0]).toMatchObject({
      headRepository: { provider: 'bitbucket-dc', owner: 'FORK', name: 'webhook-fork' },
    });
  });
});

describe('normaliseBitbucketDataCenter other events', () => {
  it('answers the test-connection ping', () => {
    expect(normaliseBitbucketDataCenter('diagnostics:ping', { test: true }, delivery)).toEqual({ kind: 'ping' });
  });

  it('ignores events it does not handle and requires the event key', () => {
    expect(normaliseBitbucketDataCenter('repo:forked', {}, delivery)).toEqual({ kind: 'ignored', reason: 'unsupported-event:repo:forked' });
    expect(normaliseBitbucketDataCenter(undefined, {}, delivery)).toMatchObject({ kind: 'invalid' });
  });

  it('a hostile clone URL changes nothing in the output', () => {
    for (const [event, payload] of [
      ['repo:refs_changed', refsChanged()],
      ['pr:opened', prOpened()],
    ] as const) {
      const hostile = withHostileUrls(payload);
      const attacked = normaliseBitbucketDataCenter(event, hostile, delivery);
      expect(attacked).toEqual(normaliseBitbucketDataCenter(event, payload, delivery));
      expect(JSON.stringify(attacked)).not.toContain('evil.example.net');
    }
    expect(JSON.stringify(withHostileUrls(prOpened()))).toContain('evil.example.net');
  });
});
