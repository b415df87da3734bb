import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { EventPublisher } from '../event-publisher.js';
import { createKafkaClient, type KafkaConnectionOptions } from '../kafka-connection.js';
import type { MessagingLogger } from '../ports.js';
import { ensureTopics, type TopicSpec } from '../topic-admin.js';

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingModuleOptions {
  connection: KafkaConnectionOptions;
  /** CloudEvents source of this service, e.g. `/portcullis/webhook-intake`. */
  source: string;
  /** Topics to create or verify at start-up (usually `allTopicSpecs()` from contracts). */
  topics: readonly TopicSpec[];
  replicationFactor?: number;
  publishTimeoutMs?: number;
  logger: MessagingLogger;
  metrics?: Registry;
}

export interface MessagingModuleAsyncOptions {
  // Nest's own provider typing: any injectable token, any factory arguments.
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  useFactory: (...args: never[]) => MessagingModuleOptions | Promise<MessagingModuleOptions>;
}

@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, this.options.topics, {
      topicPrefix: this.options.connection.topicPrefix,
      replicationFactor: this.options.replicationFactor,
      logger: this.options.logger,
    });
    await this.publisher.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/**
 * Kafka for a Nest app: the client, a connected `EventPublisher`, topics ensured at start-up and
 * a clean disconnect at shutdown. Consumers are attached with `KafkaEventsTransport`.
 */
@Module({})
export class MessagingModule {
  static forRootAsync(options: MessagingModuleAsyncOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: KAFKA_CLIENT,
          inject: [MESSAGING_OPTIONS],
          useFactory: (o: MessagingModuleOptions) => createKafkaClient(o.connection, o.logger),
        },
        {
          provide: EventPublisher,
          inject: [KAFKA_CLIENT, MESSAGING_OPTIONS],
          useFactory: (kafka: Kafka, o: MessagingModuleOptions) =>
            new EventPublisher(kafka, {
              source: o.source,
              topicPrefix: o.connection.topicPrefix,
              publishTimeoutMs: o.publishTimeoutMs,
              logger: o.logger,
              metrics: o.metrics,
            }),
        },
        MessagingLifecycle,
      ],
      exports: [KAFKA_CLIENT, EventPublisher, MESSAGING_OPTIONS],
    };
  }
}
