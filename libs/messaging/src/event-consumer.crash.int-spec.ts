import { companionTopics, exampleScmPush, ScmEvents } from '@portcullis/contracts';
import { expectEventually, stackEnv, uniquePrefix } from '@portcullis/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventConsumer } from './event-consumer.js';
import { EventPublisher } from './event-publisher.js';
import { createKafkaClient } from './kafka-connection.js';
import { silentLogger } from './ports.js';
import { ensureTopics } from './topic-admin.js';
import { readTopic } from './topic-reader.js';

const env = stackEnv();
const prefix = uniquePrefix('crash');
const group = 'crash-group';
const kafka = createKafkaClient({ brokers: env.kafkaBrokers, clientId: 'crash-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });
const root = fileURLToPath(new URL('../../..', import.meta.url));
let child: ChildProcess | undefined;
let survivor: EventConsumer | undefined;

function waitForLine(proc: ChildProcess, predicate: (line: string) => boolean, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no matching line from child within ${timeoutMs} ms; saw: ${buffer}`)), timeoutMs);
    proc.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find(predicate);
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    proc.once('exit', (code) => reject(new Error(`child exited with ${code} before the line; saw: ${buffer}`)));
  });
}

beforeAll(async () => {
  // The child runs the built library (plain node, no test transform).
  execFileSync('npx', ['tsc', '-b', 'libs/messaging/tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
  await ensureTopics(
    kafka,
    [
      { name: ScmEvents.name, partitions: 1, retentionMs: 3_600_000 },
      { name: companionTopics.retryOf(ScmEvents.name), partitions: 1, retentionMs: 3_600_000 },
      { name: companionTopics.dlqOf(ScmEvents.name), partitions: 1, retentionMs: 3_600_000 },
    ],
    { topicPrefix: prefix, logger: silentLogger },
  );
  await publisher.connect();
}, 180_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  await survivor?.stop();
  await publisher.disconnect();
});

describe('a consumer killed mid-handler', () => {
  it('loses nothing: another member of the group processes the message', async () => {
    child = spawn(process.execPath, [fileURLToPath(new URL('../test/hanging-consumer.mjs', import.meta.url)), env.kafkaBrokers.join(','), prefix, group], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitForLine(child, (l) => l === 'ready');
    const { id } = await publisher.publish(ScmEvents, exampleScmPush());
    await waitForLine(child, (l) => l === `handling ${id}`);
    child.kill('SIGKILL');

    const handled: string[] = [];
    survivor = new EventConsumer(kafka, {
      groupId: group,
      topicPrefix: prefix,
      publisher,
      logger: silentLogger,
      sessionTimeoutMs: 6_000,
      rebalanceTimeoutMs: 8_000,
      heartbeatIntervalMs: 1_000,
    }).subscribe(ScmEvents, async (event) => {
      handled.push(event.id);
    });
    await survivor.start();
    await expectEventually(() => expect(handled).toContain(id), { timeoutMs: 45_000 });
    const dlq = await readTopic(kafka, companionTopics.dlqOf(ScmEvents.name), { topicPrefix: prefix, idleMs: 300 });
    expect(dlq).toHaveLength(0);
  }, 120_000);
});
