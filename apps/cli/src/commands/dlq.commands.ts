import { topicByName, TOPICS } from '@portcullis/contracts';
import { listDeadLetters, replayDeadLetters, type DeadLetter } from '@portcullis/messaging';
import { Command, InvalidArgumentError } from 'commander';
import { connect, type CliContext } from '../cli.context.js';

const topicArgument = (value: string): string => {
  if (!topicByName(value)) throw new InvalidArgumentError(`unknown topic; one of: ${TOPICS.map((t) => t.name).join(', ')}`);
  return value;
};

function printLetters(context: CliContext, letters: DeadLetter[], json: boolean, showBody: boolean): void {
  if (json) {
    for (const l of letters) {
      const { record, ...rest } = l;
      context.stdout.write(`${JSON.stringify({ ...rest, ...(showBody && { body: record.value?.toString() }) })}\n`);
    }
    return;
  }
  if (letters.length === 0) {
    context.stdout.write('no dead letters\n');
    return;
  }
  for (const l of letters) {
    context.stdout.write(
      `offset ${l.offset}  ${l.failedAt ?? '?'}  group=${l.consumerGroup ?? '?'}  attempt=${l.attempt ?? '?'}  ${l.errorCode ?? ''}\n` +
        `  event ${l.eventId ?? '?'}  ${l.type ?? ''}  ${l.subject ?? ''}\n` +
        `  reason: ${l.errorReason ?? ''}\n` +
        (showBody ? `  body: ${l.record.value?.toString() ?? ''}\n` : ''),
    );
  }
}

export function dlqCommand(context: CliContext): Command {
  const dlq = new Command('dlq').description('Inspect and replay dead-lettered events (`<topic>.dlq`).');

  dlq
    .command('list')
    .description('List the dead letters of a topic, oldest first, with the reason each failed.')
    .argument('<topic>', 'main topic, e.g. scm.events', topicArgument)
    .option('-g, --group <group>', 'only entries of this consumer group (service)')
    .option('-n, --limit <n>', 'at most this many entries', (v) => Number.parseInt(v, 10))
    .option('--show-body', 'print each event body too (bodies never hold raw secrets)', false)
    .option('--json', 'one JSON object per line', false)
    .action(async (topic: string, options: { group?: string; limit?: number; showBody: boolean; json: boolean }) => {
      const { kafka, topicPrefix } = connect(context);
      const letters = await listDeadLetters(kafka, topic, { topicPrefix, group: options.group, limit: options.limit });
      printLetters(context, letters, options.json, options.showBody);
    });

  dlq
    .command('replay')
    .description(
      'Send dead letters back through the retry topic of the group that failed them, with a fresh attempt budget. ' +
        'Events that meanwhile succeeded are skipped by the consumers’ idempotency guard.',
    )
    .argument('<topic>', 'main topic, e.g. scm.events', topicArgument)
    .option('-g, --group <group>', 'only entries of this consumer group')
    .option('-i, --id <eventId...>', 'only these event ids (ce_id)')
    .option('--all', 'replay every entry that matches (required without --id)', false)
    .option('--dry-run', 'show what would be replayed', false)
    .action(async (topic: string, options: { group?: string; id?: string[]; all: boolean; dryRun: boolean }) => {
      if (!options.id && !options.all) throw new InvalidArgumentError('name the events with --id, or pass --all');
      const { kafka, publisher, topicPrefix } = connect(context);
      const letters = await listDeadLetters(kafka, topic, { topicPrefix, group: options.group, eventIds: options.id });
      if (options.id) {
        const found = new Set(letters.map((l) => l.eventId));
        const missing = options.id.filter((id) => !found.has(id));
        if (missing.length > 0) context.stderr.write(`not in ${topic}.dlq: ${missing.join(', ')}\n`);
      }
      if (options.dryRun || letters.length === 0) {
        context.stdout.write(`${options.dryRun ? 'would replay' : 'nothing to replay:'} ${letters.length} dead letter(s)\n`);
        printLetters(context, letters, false, false);
        return;
      }
      await publisher.connect();
      try {
        const count = await replayDeadLetters(publisher, topic, letters);
        context.stdout.write(`replayed ${count} dead letter(s) to ${topic}.retry\n`);
      } finally {
        await publisher.disconnect();
      }
    });
  return dlq;
}
