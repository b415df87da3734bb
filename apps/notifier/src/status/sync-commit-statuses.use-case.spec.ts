import { EXAMPLE_RELEASE_ID, exampleAuditCompleted, exampleReleaseTransition } from '@portcullis/contracts';
import { emptyThread, foldEvents, type ReleaseThread, type ThreadEvent } from '@portcullis/notify';
import { describe, expect, it } from 'vitest';
import { type DesiredCommitStatus } from './commit-status.js';
import { CommitStatusError, type CommitStatusPublisher, type CommitStatusTarget, type PublishOutcome } from './commit-status.publisher.js';
import { SyncCommitStatuses } from './sync-commit-statuses.use-case.js';

class InMemoryPublisher implements CommitStatusPublisher {
  readonly posted: { target: CommitStatusTarget; status: DesiredCommitStatus }[] = [];
  failWith: Error | undefined;
  answer: PublishOutcome = 'published';

  publish(target: CommitStatusTarget, status: DesiredCommitStatus): Promise<PublishOutcome> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.posted.push({ target, status });
    return Promise.resolve(this.answer);
  }
}

const ZERO = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };
let n = 0;
const threadOf = (...bodies: ThreadEvent['body'][]): ReleaseThread => {
  const thread = foldEvents(
    bodies.map((body) => ({ id: `e${String(++n).padStart(4, '0')}`, time: '2025-01-15T09:30:00.000Z', body })),
    emptyThread(EXAMPLE_RELEASE_ID),
  );
  if (!thread) throw new Error('example release id is invalid');
  return thread;
};
const staging = (sequence: number, to: 'deploying' | 'succeeded') =>
  exampleReleaseTransition({ environment: 'staging', sequence, from: sequence === 1 ? null : 'deploying', to, blocking: undefined, waitingFor: undefined });

const setup = () => {
  const publisher = new InMemoryPublisher();
  const sut = new SyncCommitStatuses({ publisher, links: { releaseUrl: 'https://portcullis.example.com/releases/{releaseId}' } });
  return { sut, publisher };
};

describe('SyncCommitStatuses', () => {
  it('posts every status the first time, on the release commit and ref', async () => {
    const { sut, publisher } = setup();
    const thread = threadOf(exampleAuditCompleted({ verdict: 'pass', counts: ZERO, findings: [] }), staging(1, 'deploying'));

    const result = await sut.execute({ thread });

    expect(result.published).toEqual(['portcullis/deploy-staging', 'portcullis/secrets']);
    expect(publisher.posted[0]?.target).toEqual({ repository: thread.repository, sha: thread.sha, ref: thread.ref });
    expect(result.sent.statuses['portcullis/secrets']).toMatchObject({ state: 'success' });
  });

  it('posts only the contexts whose state or description changed since the stored record', async () => {
    const { sut, publisher } = setup();
    const audit = exampleAuditCompleted({ verdict: 'pass', counts: ZERO, findings: [] });
    const first = await sut.execute({ thread: threadOf(audit, staging(1, 'deploying')) });

    const second = await sut.execute({ thread: threadOf(audit, staging(1, 'deploying'), staging(2, 'succeeded')), lastSent: first.sent });

    expect(second.published).toEqual(['portcullis/deploy-staging']);
    expect(publisher.posted.slice(2).map((p) => [p.status.context, p.status.state])).toEqual([['portcullis/deploy-staging', 'success']]);
    expect(second.sent.statuses['portcullis/deploy-staging']).toMatchObject({ state: 'success', description: 'Deployed to staging' });
  });

  it('posts nothing when nothing changed (a redelivered event)', async () => {
    const { sut, publisher } = setup();
    const thread = threadOf(staging(1, 'deploying'));
    const first = await sut.execute({ thread });

    const again = await sut.execute({ thread, lastSent: first.sent });

    expect(again.published).toEqual([]);
    expect(publisher.posted).toHaveLength(2);
    expect(again.sent).toEqual(first.sent);
  });

  it('ignores a record kept for another release', async () => {
    const { sut } = setup();
    const first = await sut.execute({ thread: threadOf() });

    const other = await sut.execute({ thread: threadOf(), lastSent: { ...first.sent, releaseId: 'github/acme/other@' + 'b'.repeat(40) } });

    expect(other.published).toEqual(['portcullis/secrets']);
  });

  it('records a status the provider already shows as set, without counting it as published', async () => {
    const { sut, publisher } = setup();
    publisher.answer = 'already-set';

    const result = await sut.execute({ thread: threadOf() });

    expect(result.alreadySet).toEqual(['portcullis/secrets']);
    expect(result.published).toEqual([]);
    expect(result.sent.statuses['portcullis/secrets']).toMatchObject({ state: 'pending' });
  });

  it('stops at the first failure and returns it, recording only what was posted before it', async () => {
    const { sut, publisher } = setup();
    const thread = threadOf(exampleAuditCompleted(), staging(1, 'deploying'));
    const failing = new CommitStatusError('RATE_LIMITED', 'GitHub status: rate limited', { retryAfterMs: 30_000 });
    const publish = publisher.publish.bind(publisher);
    publisher.publish = (target, status) => (publisher.posted.length === 1 ? Promise.reject(failing) : publish(target, status));

    const result = await sut.execute({ thread });

    expect(result.failure).toBe(failing);
    expect(result.published).toEqual(['portcullis/deploy-staging']);
    expect(Object.keys(result.sent.statuses)).toEqual(['portcullis/deploy-staging']);

    publisher.publish = publish;
    const retried = await sut.execute({ thread, lastSent: result.sent });
    expect(retried.failure).toBeUndefined();
    expect(retried.published).toEqual(['portcullis/secrets']);
  });
});
