import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createKafkaClient, readTopic, type RawRecord, silentLogger } from '@portcullis/messaging';
import { bootstrapService } from '@portcullis/service-kit';
import { serviceEnv, type StackEnv } from '@portcullis/testing';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookIntakeModule } from '../src/app.module.js';
import { webhookIntakeConfig } from '../src/webhook-intake.config.js';

/** Secrets of the test sources (long enough for the loader). */
export const SECRETS = {
  github: 'gh-test-secret-0123456789',
  gitlab: 'gl-test-token-0123456789',
  gitea: 'gitea-test-secret-0123456789',
  ci: 'ci-test-secret-0123456789',
  bitbucket: 'bb-test-secret-0123456789',
  harbor: 'Bearer harbor-test-0123456789',
  dockerhub: 'hub-test-token-0123456789',
} as const;

/** The sources every integration test boots with. */
export const TEST_SOURCES = {
  sources: [
    { id: 'gh', provider: 'github', secrets: [{ env: 'TEST_GH_SECRET' }], baseUrl: 'https://github.com' },
    {
      id: 'gh-limited',
      provider: 'github',
      secrets: [{ env: 'TEST_GH_SECRET' }],
      baseUrl: 'https://github.com',
      rateLimit: { perMinute: 2 },
    },
    { id: 'gl', provider: 'gitlab', secrets: [{ env: 'TEST_GL_TOKEN' }], baseUrl: 'https://gitlab.example.com' },
    { id: 'forgejo', provider: 'gitea', secrets: [{ env: 'TEST_GITEA_SECRET' }], baseUrl: 'https://forgejo.example.com' },
    { id: 'ci', provider: 'ci', secrets: [{ env: 'TEST_CI_SECRET' }], baseUrl: 'https://registry.example.com' },
    { id: 'bb', provider: 'bitbucket', secrets: [{ env: 'TEST_BB_SECRET' }], baseUrl: 'https://bitbucket.org' },
    { id: 'bbdc', provider: 'bitbucket-dc', secrets: [{ env: 'TEST_BB_SECRET' }], baseUrl: 'https://bitbucket.example.com' },
    { id: 'harbor', provider: 'harbor', secrets: [{ env: 'TEST_HARBOR_AUTH' }], baseUrl: 'https://registry.example.com' },
    { id: 'dist', provider: 'distribution', secrets: [{ env: 'TEST_HARBOR_AUTH' }], baseUrl: 'https://registry.example.com:5000' },
    { id: 'hub', provider: 'dockerhub', secrets: [{ env: 'TEST_HUB_TOKEN' }], baseUrl: 'https://docker.io' },
  ],
};

export function writeSourcesFile(content: unknown = TEST_SOURCES): string {
  const dir = mkdtempSync(join(tmpdir(), 'intake-sources-'));
  const path = join(dir, 'sources.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}


export interface RunningIntake {
  readonly app: NestFastifyApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** Boots the real service (bootstrapService, real Kafka and Redis) on a free port. */
export async function startIntake(
  stack: StackEnv,
  prefix: string,
  instance: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningIntake> {
  const env: Record<string, string> = {
    ...serviceEnv(stack, prefix, instance),
    LOG_LEVEL: 'silent',
    WEBHOOK_SOURCES_FILE: writeSourcesFile(),
    TEST_GH_SECRET: SECRETS.github,
    TEST_GL_TOKEN: SECRETS.gitlab,
    TEST_GITEA_SECRET: SECRETS.gitea,
    TEST_CI_SECRET: SECRETS.ci,
    TEST_BB_SECRET: SECRETS.bitbucket,
    TEST_HARBOR_AUTH: SECRETS.harbor,
    TEST_HUB_TOKEN: SECRETS.dockerhub,
    ...extraEnv,
  };
  const app = await bootstrapService({
    name: 'webhook-intake',
    config: webhookIntakeConfig,
    module: (kit) => WebhookIntakeModule.forRoot(kit, { env, readFile: (path) => readFileSync(path, 'utf8') }),
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

export function hmacHex(secret: string, ...parts: readonly (string | Uint8Array)[]): string {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

const resolver = createRequire(import.meta.url);
const githubDefinitions = JSON.parse(readFileSync(resolver.resolve('@octokit/webhooks-examples'), 'utf8')) as readonly {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** GitHub's published example of a branch push (new commits on `master`). */
export function githubPushExample(): Record<string, unknown> {
  const push = githubDefinitions.find((d) => d.name === 'push')?.examples.find((p) => p['ref'] === 'refs/heads/master');
  if (push === undefined) throw new Error('@octokit/webhooks-examples has no branch push example');
  return structuredClone(push);
}

export function githubExample(event: string): Record<string, unknown> {
  const example = githubDefinitions.find((d) => d.name === event)?.examples[0];
  if (example === undefined) throw new Error(`@octokit/webhooks-examples has no ${event} example`);
  return structuredClone(example);
}

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, 'fixtures', name));
}

/** Headers of a signed GitHub delivery of `body`. */
export function githubHeaders(body: Buffer, deliveryId: string, event = 'push', secret: string = SECRETS.github): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': deliveryId,
    'x-hub-signature-256': `sha256=${hmacHex(secret, body)}`,
  };
}

export async function post(url: string, body: Buffer | string, headers: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body, headers });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, headers: response.headers, json };
}

/** Every record on a topic (prefixed), read from the beginning. */
export async function recordsOn(stack: StackEnv, prefix: string, topic: string, idleMs = 1_500): Promise<RawRecord[]> {
  const kafka = createKafkaClient({ brokers: [...stack.kafkaBrokers], clientId: 'intake-int-spec', topicPrefix: prefix }, silentLogger);
  return readTopic(kafka, topic, { topicPrefix: prefix, idleMs, timeoutMs: 30_000 });
}
