import { type FastifyAdapter } from '@nestjs/platform-fastify';
import { StateError } from '@portcullis/state';
import { type IntakeReply, type ReceiveWebhook } from '../intake/receive-webhook.use-case.js';
import { type DeliveryRecords } from '../intake/intake.ports.js';
import { PROVIDER_HANDLERS } from '../intake/provider-handlers.js';
import { type WebhookSource } from '../sources/webhook-source.js';

// Fastify's types as Nest's adapter names them: `fastify` itself is only a transitive dependency.
type AdapterTypes =
  FastifyAdapter extends FastifyAdapter<infer _Server, infer _RawRequest, infer _RawReply, infer Request, infer Reply, infer Instance>
    ? { request: Request; reply: Reply; instance: Instance }
    : never;
type FastifyInstance = AdapterTypes['instance'];
type FastifyRequest = AdapterTypes['request'];
type FastifyReply = AdapterTypes['reply'];

export interface WebhookRoutesOptions {
  readonly sources: ReadonlyMap<string, WebhookSource>;
  readonly receive: ReceiveWebhook;
  readonly records: DeliveryRecords;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
  /** The intake logger (scrubs source secrets). */
  readonly logger: { error(obj: object, msg: string): void };
}

/** Header naming the CI source of `POST /v1/builds` when more than one is configured. */
export const CI_SOURCE_HEADER = 'x-portcullis-source';

const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

function mediaTypeOf(request: FastifyRequest): string | undefined {
  const header = request.headers['content-type'];
  if (typeof header !== 'string') return undefined;
  return header.split(';')[0]?.trim().toLowerCase() || undefined;
}

function send(reply: FastifyReply, answer: IntakeReply): FastifyReply {
  if (answer.retryAfterSeconds !== undefined) void reply.header('retry-after', String(answer.retryAfterSeconds));
  return reply.code(answer.status).send(answer.body);
}

/**
 * The webhook routes, in their own Fastify context so their body handling (raw bytes, one size
 * limit) does not touch the rest of the app. Before a byte of the body is read: unknown source
 * → 404, media type → 415, Content-Length over the limit → 413. A body without Content-Length
 * that grows past the limit is cut off with 413 as soon as it does. The raw Buffer then goes to
 * ReceiveWebhook, which verifies the signature before parsing anything.
 */
export function webhookRoutesPlugin(options: WebhookRoutesOptions) {
  const { sources, receive, records, maxBodyBytes } = options;
  const sourceOfRequest = new WeakMap<FastifyRequest, WebhookSource>();
  const ciSources = [...sources.values()].filter((s) => s.provider === 'ci');

  function resolveSource(request: FastifyRequest): WebhookSource | undefined {
    if (request.routeOptions.url === '/v1/builds') {
      const named = request.headers[CI_SOURCE_HEADER] ?? (request.query as Record<string, string | undefined>)['source'];
      if (typeof named === 'string') {
        const source = sources.get(named);
        return source?.provider === 'ci' ? source : undefined;
      }
      return ciSources.length === 1 ? ciSources[0] : undefined;
    }
    const { sourceId } = request.params as { sourceId?: string };
    return sourceId === undefined ? undefined : sources.get(sourceId);
  }

  async function guard(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const source = resolveSource(request);
    const edge = (status: number, code: string, message: string) => receive.rejectAtEdge({ source, headers: request.headers, status, code, message });
    if (source === undefined) {
      await send(reply, await edge(404, 'SOURCE_UNKNOWN', 'no webhook source with this id'));
      return;
    }
    const mediaType = mediaTypeOf(request);
    if (mediaType === undefined || !PROVIDER_HANDLERS[source.provider].contentTypes.includes(mediaType)) {
      await send(reply, await edge(415, 'UNSUPPORTED_MEDIA_TYPE', `expected ${PROVIDER_HANDLERS[source.provider].contentTypes.join(' or ')}`));
      return;
    }
    const length = Number(request.headers['content-length']);
    if (Number.isFinite(length) && length > maxBodyBytes) {
      // Close the connection instead of draining a body we will never read.
      void reply.header('connection', 'close');
      await send(reply, await edge(413, 'BODY_TOO_LARGE', `bodies are limited to ${maxBodyBytes} bytes`));
      return;
    }
    sourceOfRequest.set(request, source);
  }

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const source = sourceOfRequest.get(request);
    if (source === undefined) throw new Error('webhook route reached without a resolved source');
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const answer = await receive.execute({
      source,
      headers: request.headers,
      query: request.query as Record<string, string | undefined>,
      mediaType: mediaTypeOf(request) ?? '',
      rawBody,
    });
    return send(reply, answer);
  }

  return async function webhookRoutes(scope: FastifyInstance): Promise<void> {
    // Raw bytes for every media type: signatures cover the exact bytes, and nothing is parsed
    // before the signature is checked. The media type itself was checked in `guard`.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_request, body, done) => done(null, body));

    scope.setErrorHandler(async (error: { code?: string; statusCode?: number }, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        void reply.header('connection', 'close');
        return send(reply, await receive.rejectAtEdge({ source: sourceOfRequest.get(request), headers: request.headers, status: 413, code: 'BODY_TOO_LARGE', message: `bodies are limited to ${maxBodyBytes} bytes` }));
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return send(reply, await receive.rejectAtEdge({ source: sourceOfRequest.get(request), headers: request.headers, status: 400, code: 'BAD_REQUEST', message: 'the request could not be read' }));
      }
      options.logger.error({ err: error, route: request.routeOptions.url }, 'webhook request failed');
      return reply.code(500).send({ status: 'error', code: 'INTERNAL', message: 'internal error' });
    });

    const routeOptions = { bodyLimit: maxBodyBytes, onRequest: guard };
    scope.post('/v1/webhooks/:sourceId', routeOptions, handle);
    scope.post('/v1/builds', routeOptions, handle);

    scope.get('/v1/deliveries/:deliveryId', async (request, reply) => {
      const { deliveryId } = request.params as { deliveryId: string };
      if (!SAFE_ID.test(deliveryId)) return reply.code(400).send({ status: 'rejected', code: 'DELIVERY_ID_INVALID', message: 'not a delivery id' });
      try {
        const record = await records.find(deliveryId);
        if (record === undefined) return reply.code(404).send({ status: 'unknown', deliveryId });
        return reply.code(200).send(record);
      } catch (error) {
        if (!(error instanceof StateError)) throw error;
        void reply.header('retry-after', String(options.retryAfterSeconds));
        return reply.code(503).send({ status: 'unavailable', code: 'STATE_UNAVAILABLE', message: 'delivery records unavailable' });
      }
    });
  };
}
