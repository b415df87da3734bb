import {
  EXAMPLE_RELEASE_ID,
  exampleAuditCompleted,
  exampleAuditFinding,
  exampleReleaseTransition,
  exampleScanCompleted,
  type GitProvider,
  type ReleaseTransitionEvent,
} from '@portcullis/contracts';
import { dispositionOf, NotReadyError } from '@portcullis/errors';
import { foldEvents, parseRoutingConfig, type ReleaseThread, renderRoot, routeThread, type SlackMessage, type ThreadEvent } from '@portcullis/notify';
import { describe, expect, it } from 'vitest';
import { type DesiredCommitStatus } from '../status/commit-status.js';
import { CommitStatusError } from '../status/commit-status.publisher.js';
import { type SentCommitStatuses, SyncCommitStatuses } from '../status/sync-commit-statuses.use-case.js';
import { type ChannelAllowance, type CommitStatusSync, type SlackGateway, type ThreadRecord, type ThreadStore } from './notify-release.ports.js';
import { NotifyRelease } from './notify-release.use-case.js';
import { SlackCallError } from './slack-call.error.js';

interface Call {
  method: 'post' | 'update' | 'reply';
  channel: string;
  ts: string;
  text: string;
}

class MemorySlack implements SlackGateway {
  calls: Call[] = [];
  failures = new Map<Call['method'], SlackCallError[]>();
  #seq = 0;

  async postRoot(channel: string, message: SlackMessage): Promise<{ channel: string; ts: string }> {
    this.#fail('post');
    const ts = `1700000000.${String((this.#seq += 1)).padStart(6, '0')}`;
    this.calls.push({ method: 'post', channel, ts, text: message.text });
    return { channel: channel.replace('#', 'C0'), ts };
  }

  async updateRoot(channel: string, ts: string, message: SlackMessage): Promise<void> {
    this.#fail('update');
    this.calls.push({ method: 'update', channel, ts, text: message.text });
  }

  async postReply(channel: string, threadTs: string, message: SlackMessage): Promise<void> {
    this.#fail('reply');
    this.calls.push({ method: 'reply', channel, ts: threadTs, text: message.text });
  }

  of(method: Call['method']): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  failNext(method: Call['method'], error: SlackCallError): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), error]);
  }

  #fail(method: Call['method']): void {
    const failure = this.failures.get(method)?.shift();
    if (failure) throw failure;
  }
}

class MemoryThreads implements ThreadStore {
  records = new Map<string, string>();
  async load(releaseId: string): Promise<ThreadRecord | undefined> {
    const raw = this.records.get(releaseId);
    return raw === undefined ? undefined : (JSON.parse(raw) as ThreadRecord);
  }
  async save(record: ThreadRecord): Promise<void> {
    this.records.set(record.thread.releaseId, JSON.stringify(record));
  }
}

class CountingAllowance implements ChannelAllowance {
  tokens = Number.POSITIVE_INFINITY;
  async take(): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    if (this.tokens < 1) return { allowed: false, retryAfterMs: 700 };
    this.tokens -= 1;
    return { allowed: true };
  }
}

/** The real SyncCommitStatuses over a publisher that records posts and fails on demand. */
class MemoryStatuses implements CommitStatusSync {
  readonly posted: { sha: string; status: DesiredCommitStatus }[] = [];
  failNext: Error | undefined;
  readonly #sync = new SyncCommitStatuses({
    publisher: {
      publish: async (target, status) => {
        const failure = this.failNext;
        this.failNext = undefined;
        if (failure) throw failure;
        this.posted.push({ sha: target.sha, status });
        return 'published';
      },
    },
    links: { releaseUrl: 'https://portcullis.example.com/releases/{releaseId}' },
  });

  supports(provider: GitProvider): boolean {
    return provider === 'github';
  }

  sync(thread: ReleaseThread, lastSent: SentCommitStatuses | undefined) {
    return this.#sync.execute({ thread, ...(lastSent ? { lastSent } : {}) });
  }

  contexts(): string[] {
    return this.posted.map((p) => `${p.status.context}=${p.status.state}`);
  }
}

function setup(channels: string[] = ['#deploys'], options: { slack?: boolean; settleMs?: number; updateIntervalMs?: number } = {}) {
  const clock = { at: new Date('2025-01-15T10:00:00Z') };
  const slack = new MemorySlack();
  const threads = new MemoryThreads();
  const allowance = new CountingAllowance();
  const statuses = new MemoryStatuses();
  const permanent: string[] = [];
  const statusFailures: string[] = [];
  const routing = parseRoutingConfig({ defaultChannel: channels[0], routes: [{ repositories: '**', channels }] });
  const sut = new NotifyRelease({
    threads,
    locks: { withLock: (_name, fn) => fn() },
    clock: { now: () => clock.at },
    metrics: {
      slackCall: () => undefined,
      deferred: () => undefined,
      permanentFailure: (reason) => permanent.push(reason),
      commitStatuses: (_provider, outcome) => (outcome.failedWith ? statusFailures.push(outcome.failedWith) : undefined),
    },
    ...(options.slack === false
      ? {}
      : {
          slack: {
            mode: 'bot' as const,
            gateway: slack,
            allowance,
            routing: { route: (thread) => routeThread(thread, routing) },
            links: { commitUrl: 'https://github.com/{owner}/{name}/commit/{sha}' },
            settleMs: options.settleMs ?? 0,
            updateIntervalMs: options.updateIntervalMs ?? 0,
          },
        }),
    statuses,
  });
  return { sut, slack, threads, allowance, permanent, statuses, statusFailures, clock };
}

const audit = (id = 'evt-audit'): ThreadEvent => ({
  id,
  time: '2025-01-15T09:30:00.000Z',
  body: exampleAuditCompleted({ verdict: 'fail', findings: [exampleAuditFinding()], counts: { critical: 0, high: 1, medium: 0, low: 0, unknown: 0 } }),
});
const scan = (): ThreadEvent => ({ id: 'evt-scan', time: '2025-01-15T09:31:00.000Z', body: exampleScanCompleted() });
const step = (sequence: number, from: ReleaseTransitionEvent['from'], to: ReleaseTransitionEvent['to'], reason = 'Step'): ThreadEvent => ({
  id: `evt-deploy-${sequence}`,
  time: `2025-01-15T09:4${sequence}:00.000Z`,
  body: exampleReleaseTransition({ environment: 'staging', sequence, from, to, reason, message: `${from ?? 'new'} to ${to}` }),
});

describe('NotifyRelease', () => {
  it('posts one root per release and channel, then updates that message in place', async () => {
    const { sut, slack } = setup();

    await sut.execute(audit(), EXAMPLE_RELEASE_ID);
    await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID);
    await sut.execute(step(2, 'waiting', 'approved'), EXAMPLE_RELEASE_ID);

    expect(slack.of('post')).toHaveLength(1);
    expect(slack.of('update').map((c) => c.ts)).toEqual([slack.of('post')[0]!.ts, slack.of('post')[0]!.ts]);
    // chat.update goes to the conversation id Slack answered with, not the routed name.
    expect(slack.of('update').every((c) => c.channel === 'C0deploys')).toBe(true);
  });

  it('skips chat.update when nothing visible changed', async () => {
    const { sut, slack } = setup();
    await sut.execute(scan(), EXAMPLE_RELEASE_ID);

    // A later scan of the same image with the same result changes the fact id but not the rendering.
    await sut.execute({ ...scan(), id: 'evt-scan-again', time: '2025-01-15T09:35:00.000Z' }, EXAMPLE_RELEASE_ID);

    expect(slack.of('post')).toHaveLength(1);
    expect(slack.of('update')).toHaveLength(0);
  });

  it('posts each reply once, in the root thread, and nothing at all on redelivery', async () => {
    const { sut, slack } = setup();
    const events = [audit(), scan(), step(1, null, 'waiting'), step(2, 'waiting', 'approved'), step(3, 'approved', 'deploying'), step(4, 'deploying', 'failed'), step(5, 'failed', 'rolled_back')];
    for (const e of events) await sut.execute(e, EXAMPLE_RELEASE_ID);
    const before = slack.calls.length;
    const root = slack.of('post')[0]!;

    for (const e of events) await sut.execute(e, EXAMPLE_RELEASE_ID);

    expect(slack.calls.length).toBe(before);
    expect(slack.of('post')).toHaveLength(1);
    const replies = slack.of('reply');
    expect(replies.every((r) => r.ts === root.ts)).toBe(true);
    // Progress (waiting, approved, deploying) shows on the root; replies say what needs reading.
    expect(replies.map((r) => r.text)).toEqual([
      expect.stringMatching(/^Secrets gate fail/),
      expect.stringMatching(/scan|vulnerab/i),
      'staging rollout failed',
      'staging rolled back',
    ]);
  });

  it('never posts a second root when the event comes back after the root was posted but a reply failed', async () => {
    const { sut, slack } = setup();
    await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID);
    slack.failNext('reply', new SlackCallError('SLACK_UNAVAILABLE', 'chat.postMessage', 'http_503'));

    const error = await sut.execute(step(3, 'deploying', 'failed'), EXAMPLE_RELEASE_ID).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SLACK_UNAVAILABLE' });
    expect(dispositionOf(error)).toBe('not-ready');

    await sut.execute(step(3, 'deploying', 'failed'), EXAMPLE_RELEASE_ID);

    expect(slack.of('post')).toHaveLength(1);
    expect(slack.of('reply').map((r) => r.text)).toEqual(['staging rollout failed']);
    expect(slack.of('update')).toHaveLength(1);
  });

  it('hands the event back when the allowance is spent, then sends the latest state in one update and every step’s reply in one thread message', async () => {
    const { sut, slack, allowance } = setup();
    await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID);
    allowance.tokens = 0;

    const outcomes: unknown[] = [];
    const burst = [audit(), scan(), step(2, 'waiting', 'approved'), step(3, 'approved', 'deploying'), step(4, 'deploying', 'failed'), step(5, 'failed', 'rolled_back')];
    for (const e of burst) outcomes.push(await sut.execute(e, EXAMPLE_RELEASE_ID).catch((error: unknown) => error));

    // Only the first is handed back; the others are folded and left to it.
    expect(outcomes[0]).toBeInstanceOf(NotReadyError);
    expect(outcomes[0]).toMatchObject({ retryAfterMs: 700 });
    expect(outcomes.slice(1)).toEqual(Array(5).fill(expect.objectContaining({ status: 'deferred' })));
    expect(slack.calls).toHaveLength(1);

    allowance.tokens = Number.POSITIVE_INFINITY;
    // The handed-back event comes back: the thread already holds every fact.
    await sut.execute(burst[0]!, EXAMPLE_RELEASE_ID);
    for (const e of burst) await sut.execute(e, EXAMPLE_RELEASE_ID);

    expect(slack.of('update')).toHaveLength(1);
    const latest = foldEvents([step(1, null, 'waiting'), ...burst])!;
    expect(slack.of('update')[0]!.text).toBe(renderRoot(latest, { commitUrl: 'https://github.com/{owner}/{name}/commit/{sha}' }).text);
    // Every step coalesced into the update still gets its reply, once, all in one thread message.
    expect(slack.of('reply').map((r) => r.text)).toEqual([expect.stringMatching(/^Secrets gate fail.*\nImage scan .*\nstaging rollout failed\nstaging rolled back$/s)]);
    expect(slack.calls).toHaveLength(3);
  });

  it('lets a new release settle before its first post, so its first burst becomes one root message', async () => {
    const { sut, slack, statuses, clock } = setup(['#deploys'], { settleMs: 2_000 });

    const first = await sut.execute(audit(), EXAMPLE_RELEASE_ID).catch((error: unknown) => error);
    clock.at = new Date(clock.at.getTime() + 1_500);
    const second = await sut.execute(step(1, null, 'deploying'), EXAMPLE_RELEASE_ID).catch((error: unknown) => error);

    expect(first).toMatchObject({ disposition: 'not-ready', retryAfterMs: 2_000 });
    expect(second).toMatchObject({ status: 'deferred' });
    expect(slack.calls).toEqual([]);
    // Statuses do not wait.
    expect(statuses.contexts()).toContain('portcullis/deploy-staging=pending');

    // The first event comes back 2 s after it was folded, but the release was quiet for only 0.5 s.
    clock.at = new Date(clock.at.getTime() + 500);
    await expect(sut.execute(audit(), EXAMPLE_RELEASE_ID)).rejects.toMatchObject({ disposition: 'not-ready', retryAfterMs: 1_500 });
    clock.at = new Date(clock.at.getTime() + 1_500);
    await sut.execute(audit(), EXAMPLE_RELEASE_ID);
    await sut.execute(step(1, null, 'deploying'), EXAMPLE_RELEASE_ID);

    expect(slack.of('post')).toHaveLength(1);
    expect(slack.of('update')).toHaveLength(0);
    expect(slack.of('post')[0]!.text).toMatch(/staging deploying/);
  });

  it('posts a release that keeps changing after five settle periods anyway', async () => {
    const { sut, slack, clock } = setup(['#deploys'], { settleMs: 2_000 });
    await sut.execute(audit(), EXAMPLE_RELEASE_ID).catch(() => undefined);
    for (let s = 1; s <= 9; s += 1) {
      clock.at = new Date(clock.at.getTime() + 1_000);
      await sut.execute(step(s, s === 1 ? null : 'deploying', 'deploying', `Step${s}`), EXAMPLE_RELEASE_ID).catch(() => undefined);
    }
    expect(slack.of('post')).toHaveLength(0);

    clock.at = new Date(clock.at.getTime() + 1_000);
    await sut.execute(audit(), EXAMPLE_RELEASE_ID);

    expect(slack.of('post')).toHaveLength(1);
  });

  it('holds progress-only root updates for the update interval, and sends a new outcome at once', async () => {
    const { sut, slack, clock } = setup(['#deploys'], { updateIntervalMs: 5_000 });
    const clean = { ...audit(), body: exampleAuditCompleted({ verdict: 'pass', findings: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } }) };
    await sut.execute(clean, EXAMPLE_RELEASE_ID);

    clock.at = new Date(clock.at.getTime() + 1_000);
    const held = await sut.execute(step(1, null, 'deploying'), EXAMPLE_RELEASE_ID).catch((error: unknown) => error);
    clock.at = new Date(clock.at.getTime() + 1_000);
    const outcome = await sut.execute(step(2, 'deploying', 'succeeded'), EXAMPLE_RELEASE_ID);

    expect(held).toMatchObject({ disposition: 'not-ready', retryAfterMs: 4_000 });
    expect(outcome).toMatchObject({ status: 'synced', rootsUpdated: 1 });
    expect(slack.of('update').map((u) => u.text)).toEqual([expect.stringMatching(/: deployed — staging deployed$/)]);
    // The held event comes back: nothing left to send.
    await sut.execute(step(1, null, 'deploying'), EXAMPLE_RELEASE_ID);
    expect(slack.of('update')).toHaveLength(1);
  });

  it('lets the next event take over when the event owing the sync does not come back in time', async () => {
    const { sut, slack, allowance, clock } = setup();
    await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID);
    allowance.tokens = 0;
    await expect(sut.execute(audit(), EXAMPLE_RELEASE_ID)).rejects.toBeInstanceOf(NotReadyError);
    expect(await sut.execute(scan(), EXAMPLE_RELEASE_ID)).toMatchObject({ status: 'deferred' });

    allowance.tokens = Number.POSITIVE_INFINITY;
    clock.at = new Date(clock.at.getTime() + 700 + 30_001);
    const outcome = await sut.execute(step(2, 'waiting', 'approved'), EXAMPLE_RELEASE_ID);

    expect(outcome).toMatchObject({ status: 'synced', rootsUpdated: 1 });
    expect(slack.of('update')[0]!.text).toBe(
      renderRoot(foldEvents([step(1, null, 'waiting'), audit(), scan(), step(2, 'waiting', 'approved')])!, { commitUrl: 'https://github.com/{owner}/{name}/commit/{sha}' }).text,
    );
  });

  it('dead-letters what Slack refuses for good, with the reason, and counts it', async () => {
    const { sut, slack, permanent } = setup();
    slack.failNext('post', new SlackCallError('SLACK_REFUSED', 'chat.postMessage', 'channel_not_found'));

    const error = await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID).catch((e: unknown) => e);

    expect(dispositionOf(error)).toBe('permanent');
    expect((error as Error).message).toContain('channel_not_found');
    expect(permanent).toEqual(['channel_not_found']);
  });

  it('turns a Slack 429 into not-ready after its Retry-After, and posts once it passes', async () => {
    const { sut, slack } = setup();
    slack.failNext('post', new SlackCallError('SLACK_RATE_LIMITED', 'chat.postMessage', 'ratelimited', 30_000));

    const error = await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID).catch((e: unknown) => e);
    expect(dispositionOf(error)).toBe('not-ready');
    expect((error as SlackCallError).retryAfterMs).toBe(30_000);

    await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID);
    expect(slack.of('post')).toHaveLength(1);
  });

  it('keeps one thread per routed channel', async () => {
    const { sut, slack } = setup(['#deploys', '#payments']);
    await sut.execute(step(1, null, 'waiting'), EXAMPLE_RELEASE_ID);
    await sut.execute(step(3, 'deploying', 'failed'), EXAMPLE_RELEASE_ID);

    expect(slack.of('post').map((c) => c.channel)).toEqual(['#deploys', '#payments']);
    expect(slack.of('reply').map((c) => c.channel)).toEqual(['C0deploys', 'C0payments']);
  });

  it('ignores events about no release', async () => {
    const { sut, slack, threads } = setup();
    const outcome = await sut.execute({ id: 'x', body: { ...exampleReleaseTransition(), releaseId: 'not a release' } }, 'not a release');
    expect(outcome.status).toBe('ignored');
    expect(slack.calls).toEqual([]);
    expect(threads.records.size).toBe(0);
  });

  describe('commit statuses', () => {
    it('posts each gate status on the release commit when it changes, and nothing on redelivery', async () => {
      const { sut, statuses } = setup();

      await sut.execute(step(1, null, 'deploying'), EXAMPLE_RELEASE_ID);
      await sut.execute(audit(), EXAMPLE_RELEASE_ID);
      await sut.execute(audit(), EXAMPLE_RELEASE_ID);
      const outcome = await sut.execute(step(2, 'deploying', 'succeeded'), EXAMPLE_RELEASE_ID);

      expect(statuses.contexts()).toEqual([
        'portcullis/deploy-staging=pending',
        'portcullis/secrets=pending',
        'portcullis/secrets=failure',
        'portcullis/deploy-staging=success',
      ]);
      expect(outcome.statusesPosted).toBe(1);
    });

    it('still brings Slack up to date when the provider fails, then throws the provider error so the event is retried', async () => {
      const { sut, slack, statuses, statusFailures } = setup();
      statuses.failNext = new CommitStatusError('PROVIDER_UNAVAILABLE', 'GitHub status: GitHub answered 502');

      const outcome = sut.execute(audit(), EXAMPLE_RELEASE_ID);

      await expect(outcome).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
      expect(slack.of('post')).toHaveLength(1);
      expect(statusFailures).toEqual(['PROVIDER_UNAVAILABLE']);
      await sut.execute(audit(), EXAMPLE_RELEASE_ID);
      expect(slack.of('post')).toHaveLength(1);
      expect(statuses.contexts()).toEqual(['portcullis/secrets=failure']);
    });

    it("lets Slack's own error decide the disposition, keeping the statuses posted before it", async () => {
      const { sut, slack, statuses } = setup();
      slack.failNext('post', new SlackCallError('SLACK_REFUSED', 'chat.postMessage', 'channel_not_found'));

      const outcome = sut.execute(audit(), EXAMPLE_RELEASE_ID);

      await expect(outcome).rejects.toMatchObject({ code: 'SLACK_REFUSED' });
      expect(statuses.contexts()).toEqual(['portcullis/secrets=failure']);
    });

    it('posts statuses with Slack disabled, and only for providers that are configured', async () => {
      const { sut, slack, statuses } = setup(['#deploys'], { slack: false });

      await sut.execute(audit(), EXAMPLE_RELEASE_ID);
      const gitlabRelease = `gitlab/acme/shop-api@${'b'.repeat(40)}`;
      const gitlabAudit = exampleAuditCompleted({ repository: { provider: 'gitlab', owner: 'acme', name: 'shop-api' }, releaseId: gitlabRelease });
      await sut.execute({ id: 'evt-gitlab', time: '2025-01-15T09:30:00.000Z', body: gitlabAudit }, gitlabRelease);

      expect(slack.calls).toEqual([]);
      expect(statuses.contexts()).toEqual(['portcullis/secrets=failure']);
    });
  });

  describe('incoming-webhook mode', () => {
    function webhookSetup() {
      const posted: SlackMessage[] = [];
      const threads = new MemoryThreads();
      const allowance = new CountingAllowance();
      const failures: SlackCallError[] = [];
      const sut = new NotifyRelease({
        threads,
        locks: { withLock: (_name, fn) => fn() },
        clock: { now: () => new Date('2025-01-15T10:00:00Z') },
        metrics: { slackCall: () => undefined, deferred: () => undefined, permanentFailure: () => undefined, commitStatuses: () => undefined },
        slack: {
          mode: 'webhook',
          poster: {
            post: async (message) => {
              const failure = failures.shift();
              if (failure) throw failure;
              posted.push(message);
            },
          },
          allowance,
          links: {},
        },
      });
      return { sut, posted, allowance, failures };
    }

    it('posts one message per outcome of the release and nothing for steps in between or redeliveries', async () => {
      const { sut, posted } = webhookSetup();
      const clean = { ...audit(), body: exampleAuditCompleted({ verdict: 'pass', findings: [], counts: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 } }) };

      await sut.execute(clean, EXAMPLE_RELEASE_ID);
      await sut.execute(step(1, null, 'deploying'), EXAMPLE_RELEASE_ID);
      await sut.execute(step(2, 'deploying', 'succeeded'), EXAMPLE_RELEASE_ID);
      await sut.execute(step(2, 'deploying', 'succeeded'), EXAMPLE_RELEASE_ID);
      await sut.execute(step(3, 'succeeded', 'rolled_back'), EXAMPLE_RELEASE_ID);

      expect(posted.map((m) => m.text)).toEqual([expect.stringMatching(/: deployed — staging deployed$/), expect.stringMatching(/: rolled back — staging rolled back$/)]);
    });

    it('hands the event back when the allowance is spent or Slack says 429, and posts the outcome once after', async () => {
      const { sut, posted, allowance, failures } = webhookSetup();
      allowance.tokens = 0;

      await expect(sut.execute(audit(), EXAMPLE_RELEASE_ID)).rejects.toBeInstanceOf(NotReadyError);
      allowance.tokens = Number.POSITIVE_INFINITY;
      failures.push(new SlackCallError('SLACK_RATE_LIMITED', 'incoming-webhook', 'rate_limited', 2_000));
      await expect(sut.execute(audit(), EXAMPLE_RELEASE_ID)).rejects.toMatchObject({ disposition: 'not-ready', retryAfterMs: 2_000 });
      await sut.execute(audit(), EXAMPLE_RELEASE_ID);
      await sut.execute(audit(), EXAMPLE_RELEASE_ID);

      expect(posted).toHaveLength(1);
      expect(posted[0]!.text).toMatch(/blocked/);
    });
  });
});
