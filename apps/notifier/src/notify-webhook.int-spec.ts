import {
  allTopicSpecs,
  AuditResults,
  type BodyOf,
  DeployEvents,
  exampleAuditCompleted,
  exampleReleaseTransition,
  releaseIdOf,
  type RepositoryRef,
  type TopicDefinition,
} from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, silentLogger } from '@portcullis/messaging';
import { expectEventually, REPO_ROOT, serviceEnv, type ServiceProcess, stackEnv, startServiceProcess, uniqueOwner, uniquePrefix, waitUntilReady } from '@portcullis/testing';
import { type FakeSlack, startFakeSlack } from '@portcullis/testing/saas';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Incoming-webhook mode as a team without a bot runs it: the built service as a process on real
 * Kafka and Redis, posting through the Slack stand-in's incoming webhook.
 */

const stack = stackEnv();
const prefix = uniquePrefix('notifier-webhook');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'notifier-webhook-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const owner = uniqueOwner('hook');
const HOOK = '/services/T0PORTCULLIS/B0NOTIFY/int-spec-webhook-secret';
const ZERO = { critical: 0, high: 0, medium: 0, low: 0, unknown: 0 };

let slack: FakeSlack;
let service: ServiceProcess | undefined;

const publish = <T extends TopicDefinition>(topic: T, body: BodyOf<T>, id: string) => publisher.publish(topic, body, { id });
const sha = (seed: number) => seed.toString(16).padStart(40, 'c');

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'apps/notifier/tsconfig.lib.json'], { cwd: REPO_ROOT, stdio: 'inherit' });
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
  slack = await startFakeSlack({ webhooks: { [HOOK]: 'C0TEAM' } });
  service = await startServiceProcess('notifier', { ...serviceEnv(stack, prefix, 'notifier-webhook-int'), SLACK_WEBHOOK_URL: slack.webhookUrl(HOOK) });
  await waitUntilReady(service);
  await publisher.connect();
}, 180_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) await service.stop();
  await publisher.disconnect().catch(() => undefined);
  await slack?.close();
});

describe('notifier in incoming-webhook mode, built and started as a process', () => {
  it('posts one message per release outcome, without buttons, and nothing twice on redelivery', async () => {
    const blocked: RepositoryRef = { provider: 'github', owner, name: 'leaky' };
    const deployed: RepositoryRef = { provider: 'github', owner, name: 'clean' };
    const leaky = releaseIdOf(blocked, sha(1));
    const clean = releaseIdOf(deployed, sha(2));
    const step = (releaseId: string, repository: RepositoryRef, sequence: number, from: 'deploying' | null, to: 'deploying' | 'succeeded') =>
      exampleReleaseTransition({ releaseId, repository, environment: 'staging', sequence, from, to, blocking: undefined, waitingFor: undefined, message: to });
    const events = async () => {
      await publish(AuditResults, exampleAuditCompleted({ releaseId: leaky, repository: blocked, verdict: 'fail' }), `${leaky}#audit`);
      await publish(AuditResults, exampleAuditCompleted({ releaseId: clean, repository: deployed, verdict: 'pass', counts: ZERO, findings: [] }), `${clean}#audit`);
      await publish(DeployEvents, step(clean, deployed, 1, null, 'deploying'), `${clean}#1`);
      await publish(DeployEvents, step(clean, deployed, 2, 'deploying', 'succeeded'), `${clean}#2`);
    };

    await events();
    const posted = await expectEventually(
      async () => {
        const messages = slack.roots('C0TEAM');
        expect(messages.map((m) => m.text).sort(), service!.tail()).toEqual([
          expect.stringMatching(new RegExp(`${owner}/clean@cccc.*: deployed — staging deployed$`)),
          expect.stringMatching(new RegExp(`${owner}/leaky@cccc.*: blocked`)),
        ]);
        return messages;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(posted.every((m) => m.viaWebhook === true)).toBe(true);
    expect(JSON.stringify(posted.map((m) => m.blocks))).not.toContain('"type":"actions"');

    await events();
    // A later outcome proves the service consumed past the redelivered events.
    const marker = releaseIdOf({ provider: 'github', owner, name: 'marker' }, sha(3));
    await publish(AuditResults, exampleAuditCompleted({ releaseId: marker, repository: { provider: 'github', owner, name: 'marker' }, verdict: 'fail' }), `${marker}#audit`);
    await expectEventually(async () => expect(slack.roots('C0TEAM')).toHaveLength(3), { timeoutMs: 20_000, intervalMs: 250 });
    expect(slack.callsOf('incoming-webhook').filter((c) => c.status === 200)).toHaveLength(3);
  }, 60_000);
});
