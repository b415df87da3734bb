// A consumer process for the crash test: joins the group, announces each event it starts, and
// never finishes a handler, so the test can SIGKILL it mid-handler. Runs the built library.
import { ScmEvents } from '@portcullis/contracts';
import { createKafkaClient, EventConsumer, EventPublisher, silentLogger } from '@portcullis/messaging';

const [brokers, prefix, group] = process.argv.slice(2);
const kafka = createKafkaClient({ brokers: brokers.split(','), clientId: 'hanging-consumer', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/test/hanging', topicPrefix: prefix, logger: silentLogger });
await publisher.connect();
const consumer = new EventConsumer(kafka, {
  groupId: group,
  topicPrefix: prefix,
  publisher,
  logger: silentLogger,
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 8_000,
  heartbeatIntervalMs: 1_000,
}).subscribe(ScmEvents, async (event) => {
  process.stdout.write(`handling ${event.id}\n`);
  await new Promise(() => {});
});
consumer.start().then(() => process.stdout.write('ready\n'));
