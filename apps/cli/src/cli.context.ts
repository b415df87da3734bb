import { defineConfig, kafkaConfig, loadConfig, sensitiveValues, type InferConfig } from '@portcullis/config';
import { createKafkaClient, EventPublisher, type MessagingLogger } from '@portcullis/messaging';
import { createLogger } from '@portcullis/observability';
import { kafkaConnectionOf } from '@portcullis/service-kit';
import type { Writable } from 'node:stream';

export const cliConfig = defineConfig({ kafka: kafkaConfig });
export type CliConfig = InferConfig<typeof cliConfig>;

/** What every command gets: streams to write to and lazily built clients. */
export interface CliContext {
  stdout: Writable;
  stderr: Writable;
  env: Record<string, string | undefined>;
}

/** Loads config only when a command needs Kafka, so `--help` works without any environment. */
export function connect(context: CliContext) {
  const config = loadConfig(cliConfig, context.env);
  // Library diagnostics go to stderr as JSON, scrubbed of secrets; stdout stays for results.
  const logger: MessagingLogger = createLogger({
    service: 'portcullis-cli',
    instanceId: String(process.pid),
    level: 'warn',
    sensitiveValues: sensitiveValues(config),
    destination: context.stderr,
  });
  const connection = kafkaConnectionOf(config.kafka, 'portcullis-cli');
  const kafka = createKafkaClient(connection, logger);
  const publisher = new EventPublisher(kafka, { source: '/portcullis/cli', topicPrefix: connection.topicPrefix, logger });
  return { config, kafka, publisher, logger, topicPrefix: connection.topicPrefix };
}
