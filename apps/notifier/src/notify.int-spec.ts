import {
  allTopicSpecs,
  AuditResults,
  DeployEvents,
  exampleAuditCompleted,
  exampleAuditFinding,
  exampleRegistryBuildAnnounced,
  exampleReleaseTransition,
  exampleScanCompleted,
  type ImageReference,
  RegistryEvents,
  type ReleaseState,
  releaseIdOf,
  type RepositoryRef,
  OperatorCommands,
  ScanResults,
  type TopicDefinition,
  type BodyOf,
} from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, readTopic, silentLogger } from '@portcullis/messaging';
import { foldEvents, renderRoot, type ThreadEvent, type ThreadEventBody } from '@portcullis/notify';
import { expectEventually, REPO_ROOT, serviceEnv, type ServiceProcess, stackEnv, startServiceProcess, uniqueOwner, uniquePrefix, waitUntilReady } from '@portcullis/testing';
import { type FakeGitHubStatuses, type FakeSlack, signedInteraction, startFakeGitHubStatuses, startFakeSlack } from '@portcullis/testing/saas';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The notifier as operators run it: the built service as a process, real Kafka and Redis, and the
 * local Slack stand-in that enforces Slack's per-channel allowance (1 call per second, burst 3).
 */

const stack = stackEnv();
const prefix = uniquePrefix('notifier');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'notifier-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const owner = uniqueOwner('notify');
const COMMIT_URL = 'https://git.example.com/{owner}/{name}/commit/{sha}';
const STORM_CHANNELS = 20;
const SIGNING_SECRET = 'int-spec-signing-secret-0123456789';
const stormChannel = (i: number) => `C0STORM${String(i).padStart(2, '0')}`;

let slack: FakeSlack;
let github: FakeGitHubStatuses;
let service: ServiceProcess | undefined;

interface Published {
  topic: TopicDefinition;
  body: ThreadEventBody;
  id: string;
  time: string;
}

const sha = (seed: number) => seed.toString(16).padStart(40, 'a').slice(-40);
const image = (repo: RepositoryRef, seed: number): ImageReference => ({
  registry: 'registry.example.com',
  repository: `${repo.owner}/${repo.name}`,
  tag: 'main',
  digest: `sha256:${seed.toString(16).padStart(64, '0')}`,
});

/** A release's events as the other services publish them: audit, build, scan, then `states` in one environment. */
function releaseEvents(repo: RepositoryRef, seed: number, states: ReleaseState[]): Published[] {
  const commit = sha(seed);
  const releaseId = releaseIdOf(repo, commit);
  const img = image(repo, seed);
  const at = (n: number) => new Date(Date.UTC(2025, 0, 15, 10, 0, n)).toISOString();
  const events: Published[] = [
    {
      topic: AuditResults,
      id: `${releaseId}#audit`,
      time: at(0),
      body: exampleAuditCompleted({
        releaseId,
        repository: repo,
        range: { before: '0'.repeat(40), after: commit },
        verdict: 'pass',
        findings: [exampleAuditFinding({ severity: 'low', triage: 'open' })],
        counts: { critical: 0, high: 0, medium: 0, low: 1, unknown: 0 },
      }),
    },
    { topic: RegistryEvents, id: `${releaseId}#build`, time: at(1), body: exampleRegistryBuildAnnounced({ repository: repo, commit, image: img }) },
    { topic: ScanResults, id: `${releaseId}#scan`, time: at(2), body: exampleScanCompleted({ releaseId, repository: repo, image: img }) },
  ];
  states.forEach((to, i) => {
    events.push({
      topic: DeployEvents,
      id: `${releaseId}#deploy-${i + 1}`,
      time: at(3 + i),
      body: exampleReleaseTransition({
        releaseId,
        repository: repo,
        environment: 'staging',
        sequence: i + 1,
        from: i === 0 ? null : (states[i - 1] ?? null),
        to,
        reason: to === 'waiting' ? 'WaitingForGates' : 'Step',
        message: `step ${i + 1}: ${to}`,
        images: [img],
        strategy: 'rolling',
      }),
    });
  });
  return events;
}

async function publishAll(events: readonly Published[]): Promise<void> {
  await Promise.all(events.map((e) => publisher.publish(e.topic as TopicDefinition, e.body as BodyOf<TopicDefinition>, { id: e.id, time: new Date(e.time) })));
}

/** The root message the service should end with: the fold of every event, rendered. */
function expectedRoot(events: readonly Published[]) {
  const thread = foldEvents(events.map((e): ThreadEvent => ({ id: e.id, time: e.time, body: e.body })))!;
  return renderRoot(thread, { commitUrl: COMMIT_URL });
}

/** The replies of a thread, one per line: replies waiting together share one thread message, their fallback texts joined by newlines. */
function replyTexts(channel: string, ts: string): string[] {
  return slack.replies(channel, ts).flatMap((m) => (m.text ?? '').split('\n'));
}

function callsTo(channel: string) {
  return slack.calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && (c.params as Record<string, unknown>)['channel'] === channel);
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'apps/notifier/tsconfig.lib.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  slack = await startFakeSlack({ rateLimit: { perSecond: 1, burst: 3 } });
  github = await startFakeGitHubStatuses();
  // The first status call fails like a GitHub outage would: the event must come back and set it.
  github.failNext({ status: 502 });
  const dir = mkdtempSync(join(tmpdir(), 'notifier-int-'));
  const routing = {
    defaultChannel: 'C0DEPLOYS',
    routes: Array.from({ length: STORM_CHANNELS }, (_, i) => ({ repositories: `github/${owner}/storm-${i}-*`, channels: [stormChannel(i)] })),
  };
  writeFileSync(join(dir, 'routing.json'), JSON.stringify(routing));
  writeFileSync(join(dir, 'access.json'), JSON.stringify([{ users: ['U0DANA'], repositories: [`github/${owner}/*`], environments: ['staging'], actions: ['release.approve'] }]));
  service = await startServiceProcess('notifier', {
    ...serviceEnv(stack, prefix, 'notifier-int'),
    SLACK_BOT_TOKEN: slack.token,
    SLACK_API_URL: slack.url,
    NOTIFY_ROUTING_FILE: join(dir, 'routing.json'),
    NOTIFY_LINK_COMMIT_URL: COMMIT_URL,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_ACCESS_RULES_FILE: join(dir, 'access.json'),
    NOTIFY_STATUS_GITHUB_API_URL: github.url,
    NOTIFY_STATUS_GITHUB_TOKEN: github.token,
    NOTIFY_STATUS_RELEASE_URL: 'https://portcullis.example.com/releases/{releaseId}',
    // The storm below posts ~100 statuses; GitHub's real allowance is not what these tests are about.
    NOTIFY_STATUS_RATE_PER_SECOND: '100',
    NOTIFY_STATUS_BURST: '100',
  });
  // Events published before the consumer joined its group could be missed: wait until it reports ready.
  await waitUntilReady(service);
  await publisher.connect();
}, 180_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) await service.stop();
  await publisher.disconnect().catch(() => undefined);
  await slack?.close();
  await github?.close();
});

describe('notifier, built and started as a process, against the Slack stand-in', () => {
  const shop: RepositoryRef = { provider: 'github', owner, name: 'shop' };
  const full = releaseEvents(shop, 1, ['waiting', 'approved', 'deploying', 'succeeded']);

  it('gives a release one root message, updated in place to its final state, and the expected replies', async () => {
    // The gates first; once their root is up, the rollout, which must update that message in place.
    await publishAll(full.slice(0, 3));
    await expectEventually(async () => expect(slack.roots('C0DEPLOYS'), service!.tail()).toHaveLength(1), { timeoutMs: 20_000, intervalMs: 250 });
    for (const event of full.slice(3)) await publishAll([event]);
    const expected = expectedRoot(full);

    const root = await expectEventually(
      async () => {
        const roots = slack.roots('C0DEPLOYS');
        expect(roots, service!.tail()).toHaveLength(1);
        expect(roots[0]!.text).toBe(expected.text);
        expect(roots[0]!.blocks).toEqual(JSON.parse(JSON.stringify(expected.blocks)));
        // Each reply exactly once. Their order is the order the notifier consumed the events in:
        // audit, scan and deploy events travel on different topics, so it may differ from the publishing order.
        const replies = replyTexts('C0DEPLOYS', roots[0]!.ts);
        // Progress (waiting → deployed) is the root's step trail; the replies are the findings and the scan summary.
        expect(replies).toHaveLength(2);
        expect(replies).toEqual(expect.arrayContaining([expect.stringMatching(/^Secrets gate pass/), expect.stringMatching(/^Image scan fail/)]));
        return roots[0]!;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );

    expect(root.edits.length).toBeGreaterThan(0);
  }, 40_000);

  it('sets one commit status per gate on the release commit, retries a provider outage, and never repeats a status', async () => {
    const repo = `${owner}/shop`;
    const commit = sha(1);

    await expectEventually(
      async () => {
        expect(github.latest(repo, commit, 'portcullis/secrets')?.state, service!.tail()).toBe('success');
        expect(github.latest(repo, commit, 'portcullis/image-scan')?.state).toBe('failure');
        expect(github.latest(repo, commit, 'portcullis/deploy-staging')).toMatchObject({ state: 'success', description: 'Deployed to staging' });
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(github.calls.filter((c) => c.status === 502)).toHaveLength(1);
    const ours = github.statuses.filter((st) => st.repo === repo && st.sha === commit);
    for (const context of new Set(ours.map((st) => st.context))) {
      const sequence = ours.filter((st) => st.context === context).map((st) => `${st.state}:${st.description}`);
      expect(sequence.every((v, i) => i === 0 || v !== sequence[i - 1]), `${context}: ${sequence.join(' → ')}`).toBe(true);
    }
    expect(ours.every((st) => st.targetUrl === `https://portcullis.example.com/releases/${encodeURIComponent(releaseIdOf(shop, commit))}`)).toBe(true);
  }, 40_000);

  it('posts nothing new when the same events are delivered again', async () => {
    const before = slack.calls.length;
    const statusesBefore = github.statuses.filter((st) => st.sha === sha(1)).length;
    const [root] = slack.roots('C0DEPLOYS');

    await publishAll(full);
    // A later event proves the service has consumed past the redelivered ones.
    const marker = releaseEvents({ provider: 'github', owner, name: 'marker' }, 2, ['waiting']);
    await publishAll(marker);
    await expectEventually(async () => expect(slack.roots('C0DEPLOYS')).toHaveLength(2), { timeoutMs: 20_000, intervalMs: 250 });

    const since = slack.calls.slice(before).filter((c) => (c.params as Record<string, unknown>)['ts'] === root!.ts || (c.params as Record<string, unknown>)['thread_ts'] === root!.ts);
    expect(since).toEqual([]);
    expect(replyTexts('C0DEPLOYS', root!.ts)).toHaveLength(2);
    expect(github.statuses.filter((st) => st.sha === sha(1)).length).toBe(statusesBefore);
  }, 30_000);

  it('keeps a storm of 500 events on 20 channels within the allowance and loses nothing', async () => {
    const releases = Array.from({ length: STORM_CHANNELS }, (_, i) => {
      // 3 (audit, build, scan) + 22 transitions = 25 events per release, 500 in all.
      const states: ReleaseState[] = [...Array<ReleaseState>(19).fill('waiting'), 'approved', 'deploying', 'succeeded'];
      return { channel: stormChannel(i), events: releaseEvents({ provider: 'github', owner, name: `storm-${i}-api` }, 100 + i, states) };
    });
    const all = releases.flatMap((r) => r.events);
    expect(all).toHaveLength(500);
    // Interleaved across releases, as a burst from many repositories would arrive.
    const order = Array.from({ length: 25 }, (_, k) => releases.map((r) => r.events[k]!)).flat();
    await publishAll(order);

    await expectEventually(
      async () => {
        for (const r of releases) {
          const expected = expectedRoot(r.events);
          const roots = slack.roots(r.channel);
          expect(roots, `${r.channel}\n${service!.tail()}`).toHaveLength(1);
          expect(roots[0]!.text).toBe(expected.text);
          expect(roots[0]!.blocks).toEqual(JSON.parse(JSON.stringify(expected.blocks)));
          expect(replyTexts(r.channel, roots[0]!.ts)).toEqual(expect.arrayContaining([expect.stringMatching(/^Image scan fail/)]));
        }
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );

    for (const r of releases) {
      const texts = replyTexts(r.channel, slack.roots(r.channel)[0]!.ts);
      expect(new Set(texts).size, r.channel).toBe(texts.length);
      expect(callsTo(r.channel).filter((c) => c.status === 429), r.channel).toEqual([]);
      // Coalesced: far fewer calls than one per event (25 per channel).
      expect(callsTo(r.channel).length, r.channel).toBeLessThan(20);
    }
  }, 60_000);
  it('turns an allowed, signed button click into a release.approve command on Kafka, and refuses a bad signature or a user without the right', async () => {
    const releaseId = releaseIdOf(shop, sha(1));
    const click = (user: string, triggerId: string) => ({
      user: { id: user, name: user === 'U0DANA' ? 'dana' : 'eve' },
      channel: 'C0DEPLOYS',
      messageTs: '1700000000.000100',
      triggerId,
      actions: [{ actionId: 'release.approve', value: JSON.stringify({ releaseId, environment: 'staging' }) }],
    });
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${service!.port}/v1/slack/interactions`, { method: 'POST', headers, body });

    const allowed = signedInteraction(SIGNING_SECRET, click('U0DANA', '13345224609.738474920.allowed'));
    const forged = signedInteraction('not-the-secret-0123456789', click('U0DANA', '13345224609.738474920.forged'));
    const refused = signedInteraction(SIGNING_SECRET, click('U0EVE', '13345224609.738474920.refused'));
    const accepted = await post(allowed.body, { ...allowed.headers });
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    expect((await post(forged.body, { ...forged.headers })).status).toBe(401);
    const answer = await post(refused.body, { ...refused.headers });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { text: string }).text).toMatch(/not allowed/);

    const commands = await expectEventually(
      async () => {
        const records = await readTopic(kafka, OperatorCommands.name, { topicPrefix: prefix, idleMs: 500 });
        const bodies = records.map((r) => JSON.parse(r.value!.toString()) as { kind: string; requestId: string; releaseId: string; environment: string; actor: unknown });
        expect(bodies.length).toBeGreaterThan(0);
        return bodies;
      },
      { timeoutMs: 20_000 },
    );
    expect(commands).toEqual([
      expect.objectContaining({ kind: 'release.approve', releaseId, environment: 'staging', actor: { source: 'slack', id: 'U0DANA', name: 'dana' }, requestId: 'slack:13345224609.738474920.allowed' }),
    ]);
  }, 60_000);
});
