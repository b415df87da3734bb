import { allTopicSpecs, exampleOf, kindsOf, topicByName, TOPICS, type TopicDefinition } from '@portcullis/contracts';
import { ensureTopics } from '@portcullis/messaging';
import { Command, InvalidArgumentError } from 'commander';
import { connect, type CliContext } from '../cli.context.js';

export function eventsCommand(context: CliContext): Command {
  const events = new Command('events').description('Publish and inspect events (for wiring checks and demos).');

  events
    .command('publish-example')
    .description('Publish the example event of a topic kind (from libs/contracts) and print its id.')
    .argument('<topic>', 'topic, e.g. scm.events', (value: string) => {
      if (!topicByName(value)) throw new InvalidArgumentError(`unknown topic; one of: ${TOPICS.map((t) => t.name).join(', ')}`);
      return value;
    })
    .option('-k, --kind <kind>', 'event kind (default: the first kind of the topic)')
    .option('--release <releaseId>', 'releaseId attribute to attach')
    .action(async (topicName: string, options: { kind?: string; release?: string }) => {
      const topic = topicByName(topicName) as TopicDefinition;
      const kinds = kindsOf(topic).map((k) => k.kind);
      const kind = options.kind ?? kinds[0]!;
      const example = exampleOf(topic.name, kind);
      if (!example) throw new InvalidArgumentError(`topic ${topic.name} has no kind ${kind}; kinds: ${kinds.join(', ')}`);
      const { kafka, publisher, topicPrefix, logger } = connect(context);
      await ensureTopics(kafka, allTopicSpecs(), { topicPrefix, logger });
      await publisher.connect();
      try {
        const { id } = await publisher.publish(topic, example.body(), options.release ? { releaseId: options.release } : {});
        context.stdout.write(`${id}\n`);
      } finally {
        await publisher.disconnect();
      }
    });

  events
    .command('topics')
    .description('List every topic of the registry with its key, partitions and consumers.')
    .action(() => {
      for (const t of TOPICS) {
        context.stdout.write(
          `${t.name.padEnd(20)} key=${t.key.padEnd(14)} partitions=${String(t.partitions).padEnd(3)} kinds=${kindsOf(t).map((k) => k.kind).join(',')}  consumers=${t.consumedBy.join(',')}\n`,
        );
      }
    });
  return events;
}
