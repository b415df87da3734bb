import { repositoryKey, type RepositoryRef } from '@portcullis/contracts';
import { StateError } from '@portcullis/state';
import { parseBoundedJson, type WebhookHeaders } from '@portcullis/webhooks';
import { type WebhookSource } from '../sources/webhook-source.js';
import { eventIdOf } from './event-id.js';
import {
  type Clock,
  type DeliveryClaims,
  type DeliveryOutcome,
  type DeliveryRecords,
  type EventBus,
  type IntakeEvent,
  type IntakeMetrics,
  type RateLimiter,
} from './intake.ports.js';
import { PROVIDER_HANDLERS, type ProviderHandler } from './provider-handlers.js';

/** One verified-or-not webhook request, as the HTTP edge hands it over (size and media type already checked). */
export interface ReceiveWebhookCommand {
  readonly source: WebhookSource;
  readonly headers: WebhookHeaders;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Media type without parameters, lower case. */
  readonly mediaType: string;
  readonly rawBody: Buffer;
}

/** What the HTTP edge answers. */
export interface IntakeReply {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  /** Sent as `Retry-After` (seconds) with 429 and 503. */
  readonly retryAfterSeconds?: number;
}

export interface ReceiveWebhookSettings {
  readonly claimTtlMs: number;
  readonly processedTtlMs: number;
  /** Retry-After of 503 answers. */
  readonly retryAfterSeconds: number;
}

export interface ReceiveWebhookDeps {
  readonly bus: EventBus;
  readonly claims: DeliveryClaims;
  readonly limiter: RateLimiter;
  readonly records: DeliveryRecords;
  readonly metrics: IntakeMetrics;
  readonly clock: Clock;
  readonly logger: { warn(obj: object, msg: string): void };
  readonly settings: ReceiveWebhookSettings;
  /** Bearer tokens of a CI source (its `secrets` are the HMAC secrets). */
  readonly bearerTokensOf: (sourceId: string) => readonly string[];
  readonly handlers?: Readonly<Record<WebhookSource['provider'], ProviderHandler>>;
}

/** Facts gathered while a request moves through the pipeline, for the record and the metrics. */
interface Trace {
  readonly source: string;
  readonly provider: string;
  deliveryId?: string;
  eventType?: string;
  repository?: string;
  eventId?: string;
}

/** A delivery still being published by another request (or instance): the sender should retry shortly. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 5;

const rejected = (status: number, code: string, message: string, extra: Record<string, unknown> = {}): IntakeReply => ({
  status,
  body: { status: 'rejected', code, message, ...extra },
});

/**
 * ReceiveWebhook: verify over the raw bytes, parse within limits, normalise, rate limit, dedupe
 * on the delivery id, publish, and answer 202 only once Kafka acknowledged the event. Every
 * request with a delivery id leaves a record (no body, no secret) and every request is counted.
 */
export class ReceiveWebhook {
  private readonly handlers: Readonly<Record<WebhookSource['provider'], ProviderHandler>>;

  constructor(private readonly deps: ReceiveWebhookDeps) {
    this.handlers = deps.handlers ?? PROVIDER_HANDLERS;
  }

  async execute(command: ReceiveWebhookCommand): Promise<IntakeReply> {
    const { source } = command;
    const handler = this.handlers[source.provider];
    const trace: Trace = { source: source.id, provider: source.provider };
    const verified = handler.verify(
      { headers: command.headers, rawBody: command.rawBody },
      { source, bearerTokens: this.deps.bearerTokensOf(source.id) },
      { nowMs: this.deps.clock.now().getTime(), query: command.query },
    );
    if (!verified.ok) {
      // Only a header id is recorded for an unauthenticated request: hashing its body would let
      // anyone create records.
      trace.deliveryId = handler.headerDeliveryId(command.headers);
      return this.finish(trace, 'rejected', rejected(401, 'SIGNATURE_INVALID', 'the delivery could not be authenticated', { reason: verified.reason }));
    }
    trace.deliveryId = handler.deliveryId(command.headers, command.rawBody).id;
    trace.eventType = handler.eventType(command.headers);

    const json = this.jsonBytes(command);
    if (json === undefined) return this.finish(trace, 'rejected', rejected(400, 'FORM_PAYLOAD_MISSING', 'form body has no payload field'));
    const parsed = parseBoundedJson(json);
    if (!parsed.ok) return this.finish(trace, 'rejected', rejected(400, parsed.code, 'the body is not acceptable JSON'));

    const normalised = handler.normalise(trace.eventType, parsed.value, { deliveryId: trace.deliveryId, receivedAt: this.deps.clock.now().toISOString() }, source);
    switch (normalised.kind) {
      case 'invalid':
        return this.finish(trace, 'rejected', rejected(422, 'PAYLOAD_INVALID', 'the payload lacks or misshapes required fields', { issues: normalised.issues }));
      case 'ping':
        return this.finish(trace, 'ping', { status: 200, body: { status: 'pong', deliveryId: trace.deliveryId } });
      case 'ignored':
      case 'events':
        break;
    }

    const events = normalised.kind === 'events' ? normalised.events : [];
    const repositories = events.map(repositoryOf).filter((r): r is RepositoryRef => r !== undefined);
    if (repositories[0] !== undefined) trace.repository = repositoryKey(repositories[0]);
    if (!repositories.every((repository) => inScope(source, repository))) {
      return this.finish(trace, 'rejected', rejected(403, 'SCOPE_MISMATCH', 'the repository is outside the scope of this source'));
    }

    try {
      const limited = await this.rateLimit(source, [...new Set(events.map(rateKeyOf))]);
      if (limited !== undefined) return this.finish(trace, 'rejected', limited);
      if (normalised.kind === 'ignored') {
        this.deps.metrics.ignored({ source: source.id, reason: normalised.reason });
        return this.finish(trace, 'ignored', { status: 202, body: { status: 'ignored', deliveryId: trace.deliveryId, reason: normalised.reason } });
      }
      return await this.publishOnce(trace, trace.deliveryId, events);
    } catch (error) {
      if (!(error instanceof StateError)) throw error;
      // Without Redis a duplicate cannot be recognised: refusing is the only answer that neither
      // doubles nor loses the event (the provider retries, or shows the failure).
      this.deps.logger.warn({ err: error, source: source.id, deliveryId: trace.deliveryId }, 'webhook refused: Redis unavailable');
      return this.finish(trace, 'unavailable', this.unavailable('STATE_UNAVAILABLE', 'deduplication store unavailable'));
    }
  }

  /** Records and counts a request refused at the HTTP edge (unknown source, media type, size). */
  async rejectAtEdge(input: { source?: WebhookSource; headers: WebhookHeaders; status: number; code: string; message: string }): Promise<IntakeReply> {
    const trace: Trace = {
      source: input.source?.id ?? 'unknown',
      provider: input.source?.provider ?? 'unknown',
      deliveryId: input.source === undefined ? undefined : this.handlers[input.source.provider].headerDeliveryId(input.headers),
      eventType: input.source === undefined ? undefined : this.handlers[input.source.provider].eventType(input.headers),
    };
    return this.finish(trace, 'rejected', rejected(input.status, input.code, input.message));
  }

  private async publishOnce(trace: Trace, deliveryId: string, events: readonly IntakeEvent[]): Promise<IntakeReply> {
    const { claims, settings } = this.deps;
    if (await claims.isProcessed(deliveryId)) {
      return this.finish(trace, 'duplicate', { status: 200, body: { status: 'duplicate', deliveryId } });
    }
    if (!(await claims.tryClaim(deliveryId, settings.claimTtlMs))) {
      // Another request holds the claim and has not been acknowledged yet. Answering "duplicate"
      // would be a false 2xx if its publish then failed; the sender's retry will find out.
      return this.finish(trace, 'unavailable', {
        ...rejected(503, 'DELIVERY_IN_PROGRESS', 'this delivery is being processed by another request'),
        retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS,
      });
    }
    // The first event's id is derived from the delivery id alone; further events of the same
    // delivery (several refs in one push) get their position appended.
    const eventIds = events.map((_, index) => eventIdOf(index === 0 ? deliveryId : `${deliveryId}#${index}`));
    const eventId = eventIds[0]!;
    trace.eventId = eventId;
    const topic = events[0]!.topic.name;
    const started = performance.now();
    try {
      // Concurrent publishes share one produce request, in this order. 2xx only when all are acknowledged.
      await Promise.all(events.map((event, index) => this.deps.bus.publish(event, { eventId: eventIds[index]!, deliveryId })));
    } catch (error) {
      this.deps.metrics.publishDuration({ topic, result: 'error' }, (performance.now() - started) / 1000);
      this.deps.logger.warn({ err: error, source: trace.source, deliveryId, eventId }, 'webhook refused: event not acknowledged by Kafka');
      // Free the id so the provider's retry is not mistaken for a duplicate of an event we never stored.
      await claims.release(deliveryId).catch((releaseError: unknown) => {
        this.deps.logger.warn({ err: releaseError, deliveryId }, 'could not release the delivery claim; a retry waits for it to expire');
      });
      return this.finish(trace, 'unavailable', this.unavailable('PUBLISH_FAILED', 'the event could not be stored, retry later'));
    }
    this.deps.metrics.publishDuration({ topic, result: 'ok' }, (performance.now() - started) / 1000);
    await claims.markProcessed(deliveryId, settings.processedTtlMs).catch((error: unknown) => {
      // The event is in Kafka: still a success. A retry after the claim expired re-publishes the
      // same event id, which consumers drop.
      this.deps.logger.warn({ err: error, deliveryId }, 'could not mark the delivery processed');
    });
    const body = eventIds.length === 1 ? { status: 'accepted', deliveryId, eventId } : { status: 'accepted', deliveryId, eventId, eventIds };
    return this.finish(trace, 'accepted', { status: 202, body });
  }

  private async rateLimit(source: WebhookSource, repositoryKeys: readonly string[]): Promise<IntakeReply | undefined> {
    const { limiter } = this.deps;
    const bySource = await limiter.take(`source:${source.id}`, source.perMinute);
    if (!bySource.allowed) return this.tooMany('RATE_LIMITED_SOURCE', bySource.retryAfterMs);
    for (const key of repositoryKeys) {
      const byRepository = await limiter.take(`repository:${source.id}:${key}`, source.perRepositoryPerMinute);
      if (!byRepository.allowed) return this.tooMany('RATE_LIMITED_REPOSITORY', byRepository.retryAfterMs);
    }
    return undefined;
  }

  private tooMany(code: string, retryAfterMs: number): IntakeReply {
    return { ...rejected(429, code, 'too many deliveries, retry later'), retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  private unavailable(code: string, message: string): IntakeReply {
    return { status: 503, body: { status: 'unavailable', code, message }, retryAfterSeconds: this.deps.settings.retryAfterSeconds };
  }

  /** GitHub's form encoding carries the JSON in a `payload` field; the signature covers the form bytes. */
  private jsonBytes(command: ReceiveWebhookCommand): Buffer | undefined {
    if (command.mediaType !== 'application/x-www-form-urlencoded') return command.rawBody;
    const payload = new URLSearchParams(command.rawBody.toString('utf8')).get('payload');
    return payload === null ? undefined : Buffer.from(payload, 'utf8');
  }

  private async finish(trace: Trace, outcome: DeliveryOutcome, reply: IntakeReply): Promise<IntakeReply> {
    const reason = outcome === 'accepted' ? undefined : (reply.body['code'] as string | undefined) ?? (reply.body['reason'] as string | undefined);
    this.deps.metrics.request({ source: trace.source, provider: trace.provider, outcome, status: reply.status });
    if (trace.deliveryId !== undefined) {
      const attempt = {
        deliveryId: trace.deliveryId,
        outcome,
        status: reply.status,
        source: trace.source,
        provider: trace.provider,
        at: this.deps.clock.now().toISOString(),
        ...(reason === undefined ? {} : { reason }),
        ...(trace.eventType === undefined ? {} : { eventType: trace.eventType }),
        ...(trace.repository === undefined ? {} : { repository: trace.repository }),
        ...(trace.eventId === undefined ? {} : { eventId: trace.eventId }),
      };
      // The record is for operators; failing to write it must not change the answer.
      await this.deps.records.record(attempt).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, deliveryId: trace.deliveryId }, 'could not write the delivery record');
      });
    }
    return reply;
  }
}

function repositoryOf(event: IntakeEvent): RepositoryRef | undefined {
  return event.body.repository;
}

/** Registry pushes that name no git repository are limited per image repository. */
function rateKeyOf(event: IntakeEvent): string {
  const repository = repositoryOf(event);
  if (repository !== undefined) return repositoryKey(repository);
  const body = event.body as { image?: { registry: string; repository: string } };
  return body.image === undefined ? 'unknown' : `${body.image.registry}/${body.image.repository}`;
}

function inScope(source: WebhookSource, repository: RepositoryRef): boolean {
  const { owner, repository: name } = source.scope;
  if (owner !== undefined && owner.toLowerCase() !== repository.owner.toLowerCase()) return false;
  return name === undefined || name.toLowerCase() === repository.name.toLowerCase();
}
