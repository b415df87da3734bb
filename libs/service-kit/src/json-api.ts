import { type FastifyAdapter } from '@nestjs/platform-fastify';
import { PortcullisError } from '@portcullis/errors';
import { PublishError } from '@portcullis/messaging';
import { StateError } from '@portcullis/state';
import { type z } from 'zod';
import { bearerTokenMatches } from './bearer-token.js';

// Fastify's types as Nest's adapter names them: `fastify` itself is only a transitive dependency.
type AdapterTypes =
  FastifyAdapter extends FastifyAdapter<infer _Server, infer _RawRequest, infer _RawReply, infer Request, infer Reply, infer Instance>
    ? { request: Request; reply: Reply; instance: Instance }
    : never;
export type FastifyInstance = AdapterTypes['instance'];
export type FastifyRequest = AdapterTypes['request'];
export type FastifyReply = AdapterTypes['reply'];

/** A 4xx answer of a service's JSON API: `{ status: 'rejected', code, message, issues? }`. */
export interface Rejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly { path: string; message: string }[];
}

export function reject(reply: FastifyReply, r: Rejection): FastifyReply {
  return reply.code(r.status).send({ status: 'rejected', code: r.code, message: r.message, ...(r.issues === undefined ? {} : { issues: r.issues }) });
}

/** Zod problems as `{ path, message }`, for a 400 a person can act on. */
export function issuesOf(error: z.ZodError, unknownKeys = 'field(s)'): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.code === 'unrecognized_keys' ? `unknown ${unknownKeys}: ${issue.keys.join(', ')}` : issue.message,
  }));
}

/** Validates one input of a request (`params`, `query`, a body) into a value or a 400. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  unknownKeys?: string,
): { ok: true; value: z.output<S> } | { ok: false; rejection: Rejection } {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, rejection: { status: 400, code: 'INVALID_REQUEST', message: `invalid ${what}`, issues: issuesOf(parsed.error, unknownKeys) } };
}

export interface JsonApiGuard {
  /** Every request must present `Authorization: Bearer <token>` (checked before the body is read). */
  readonly apiToken: string;
  /** `WWW-Authenticate` realm of the 401. */
  readonly realm: string;
  /** Sent with every 503. */
  readonly retryAfterSeconds: number;
  /** With a body limit: 413 when a body passes it. */
  readonly maxBodyBytes?: number;
  /** The code of a 503 for a transient failure that is not Redis (`PUBLISH_FAILED`, …). */
  readonly unavailableCode: string;
  /** Names the API in the log line of an unexpected failure. */
  readonly name: string;
  readonly logger: { error(obj: object, msg: string): void };
}

/**
 * The common edge of a service's JSON API, in its Fastify scope: the bearer token first (401),
 * JSON only (415) and bounded bodies (413), transient trouble (Redis, Kafka, any retryable
 * PortcullisError) answered 503 with Retry-After, unreadable requests 400, anything else a 500
 * that is logged and says nothing.
 */
export function guardJsonApi(scope: FastifyInstance, guard: JsonApiGuard): void {
  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (bearerTokenMatches(request.headers.authorization, guard.apiToken)) return;
    void reply.header('www-authenticate', `Bearer realm="${guard.realm}"`);
    await reject(reply, { status: 401, code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' });
  });
  // JSON only: a text/plain body would otherwise reach the schemas as a string.
  scope.removeContentTypeParser('text/plain');
  scope.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.header('connection', 'close');
      return reject(reply, { status: 413, code: 'BODY_TOO_LARGE', message: `bodies are limited to ${guard.maxBodyBytes ?? 0} bytes` });
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reject(reply, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'expected application/json' });
    if (error instanceof StateError || error instanceof PublishError || (error instanceof PortcullisError && error.disposition !== 'permanent')) {
      void reply.header('retry-after', String(guard.retryAfterSeconds));
      const code = error instanceof StateError ? 'STATE_UNAVAILABLE' : guard.unavailableCode;
      return reply.code(503).send({ status: 'unavailable', code, message: 'temporarily unavailable, retry later' });
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reject(reply, { status: 400, code: 'BAD_REQUEST', message: 'the request could not be read' });
    }
    guard.logger.error({ err: error, route: request.routeOptions.url }, `${guard.name} request failed`);
    return reply.code(500).send({ status: 'error', code: 'INTERNAL', message: 'internal error' });
  });
}
