import { envVar, type InferConfig } from '@portcullis/config';
import { baseServiceConfig } from '@portcullis/service-kit';

/**
 * The configuration webhook-intake reads at start-up: what every service has, with the HTTP server on
 * 8080 by default, plus the webhook variables below. The sources themselves (providers, secrets,
 * base URLs) live in the file WEBHOOK_SOURCES_FILE names, validated at boot (sources/).
 * Kept apart from main.ts so tools/generators/config-docs.mjs can import it without booting the
 * service (see docs/configuration.md).
 */
export const webhookIntakeConfig = baseServiceConfig(8080, {
  webhook: {
    sourcesFile: envVar.string('WEBHOOK_SOURCES_FILE', {
      description:
        'Path of the YAML or JSON file listing the webhook sources (id, provider, scope, secrets from env or files, baseUrl, rateLimit). See apps/webhook-intake/README.md.',
    }),
    maxBodyBytes: envVar.int('WEBHOOK_MAX_BODY_BYTES', {
      // GitHub's documented maximum payload (25 MiB); larger deliveries are cut by GitHub anyway.
      default: '26214400',
      min: 1024,
      description: 'Largest webhook body accepted; a larger one gets 413 before it is read (Content-Length) or as soon as it passes the limit.',
    }),
    claimTtlMs: envVar.duration('WEBHOOK_CLAIM_TTL', {
      default: '60s',
      description:
        'How long a delivery id is held while its event is being published; a concurrent copy of the delivery gets "duplicate" meanwhile.',
    }),
    processedTtlMs: envVar.duration('WEBHOOK_DELIVERY_TTL', {
      default: '168h',
      description: 'How long an accepted delivery id (and every delivery record) is remembered; a replay within it gets 200 "duplicate".',
    }),
    publishTimeoutMs: envVar.duration('WEBHOOK_PUBLISH_TIMEOUT', {
      // Below GitHub's 10 s delivery timeout, so the provider sees our 503 rather than its own timeout.
      default: '8s',
      description: 'Longest wait for Kafka to acknowledge an event before answering 503 with Retry-After.',
    }),
    retryAfterSeconds: envVar.int('WEBHOOK_RETRY_AFTER_SECONDS', {
      default: '30',
      min: 1,
      description: 'Retry-After sent with 503 when Kafka or Redis is unavailable.',
    }),
    sourcePerMinute: envVar.int('WEBHOOK_SOURCE_RATE_PER_MINUTE', {
      default: '6000',
      min: 1,
      description: 'Deliveries per minute per source when the source sets no rateLimit.perMinute (shared by every instance).',
    }),
    repositoryPerMinute: envVar.int('WEBHOOK_REPOSITORY_RATE_PER_MINUTE', {
      default: '600',
      min: 1,
      description: 'Events per minute per repository when the source sets no rateLimit.perRepositoryPerMinute (shared by every instance).',
    }),
  },
});
export type WebhookIntakeConfig = InferConfig<typeof webhookIntakeConfig>;
