import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createKafkaClient, readTopic, type RawRecord, silentLogger } from '@portcullis/messaging';
import { bootstrapService } from '@portcullis/service-kit';
import { gitServerEnv, serviceEnv, type StackEnv } from '@portcullis/testing';
import { type AddressInfo } from 'node:net';
import { SecretAuditorModule } from '../src/app.module.js';
import { secretAuditorConfig } from '../src/secret-auditor.config.js';

/** The fingerprint key every test instance is configured with. */
export const FINGERPRINT_KEY = 'auditor-test-fingerprint-key-0123456789abcdef';
const git = gitServerEnv();

/** The API token every test instance is configured with. */
export const API_TOKEN = 'auditor-test-token-0123456789abcdef0123456789';

export interface RunningAuditor {
  readonly app: NestFastifyApplication;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Boots the real service (bootstrapService: HTTP, the operator.commands consumer, real Kafka and
 * Redis) on a free port. `redisPrefix` defaults to the Kafka prefix; a fresh one is an empty Redis.
 */
export async function startAuditor(
  stack: StackEnv,
  prefix: string,
  instance: string,
  options: { redisPrefix?: string; groupId?: string; env?: Record<string, string> } = {},
): Promise<RunningAuditor> {
  const env: Record<string, string> = {
    ...serviceEnv(stack, prefix, instance),
    REDIS_KEY_PREFIX: options.redisPrefix ?? prefix,
    LOG_LEVEL: 'silent',
    AUDITOR_API_TOKEN: API_TOKEN,
    SECRETS_FINGERPRINT_KEY: FINGERPRINT_KEY,
    SECRETS_SCAN_WORKERS: '1',
    // Audits and sweeps fetch from the stack's git server, never from the internet.
    GIT_HOST_GITHUB_URL: git.url,
    GIT_HOST_GITHUB_USERNAME: git.user,
    GIT_HOST_GITHUB_TOKEN: git.password,
    GIT_HOSTS_ALLOW_HTTP: 'github',
    ...options.env,
  };
  const app = await bootstrapService({
    name: 'secret-auditor',
    config: secretAuditorConfig,
    module: (kit) => SecretAuditorModule.forRoot(kit),
    consumer: options.groupId === undefined ? {} : { groupId: options.groupId },
    env,
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  let closed = false;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

/** One API call with the test token (or `token`), JSON in and out. */
export async function api(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token !== null) headers['authorization'] = `Bearer ${options.token ?? API_TOKEN}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, headers: response.headers, json };
}

/** Every record on a topic (prefixed), read from the beginning. */
export async function recordsOn(stack: StackEnv, prefix: string, topic: string, idleMs = 1_500): Promise<RawRecord[]> {
  const kafka = createKafkaClient({ brokers: [...stack.kafkaBrokers], clientId: 'auditor-int-spec', topicPrefix: prefix }, silentLogger);
  return readTopic(kafka, topic, { topicPrefix: prefix, idleMs, timeoutMs: 30_000 });
}
