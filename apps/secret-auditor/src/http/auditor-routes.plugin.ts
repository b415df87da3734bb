import { type FastifyAdapter } from '@nestjs/platform-fastify';
import { PortcullisError } from '@portcullis/errors';
import { PublishError } from '@portcullis/messaging';
import { StateError } from '@portcullis/state';
import { randomUUID } from 'node:crypto';
import { type z } from 'zod';
import { type RequestSweep } from '../audit/request-sweep.use-case.js';
import { type DecideTriage } from '../triage/decide-triage.use-case.js';
import { type ListIncidents, type ShowIncident } from '../triage/list-incidents.use-case.js';
import { FingerprintParams, issuesOf, ListIncidentsQuery, SweepRequestBody, TriageDecisionBody } from './auditor-api.schemas.js';
import { bearerTokenMatches } from '@portcullis/service-kit';

// Fastify's types as Nest's adapter names them: `fastify` itself is only a transitive dependency.
type AdapterTypes =
  FastifyAdapter extends FastifyAdapter<infer _Server, infer _RawRequest, infer _RawReply, infer Request, infer Reply, infer Instance>
    ? { request: Request; reply: Reply; instance: Instance }
    : never;
type FastifyInstance = AdapterTypes['instance'];
type FastifyRequest = AdapterTypes['request'];
type FastifyReply = AdapterTypes['reply'];

/** Header the CLI sets, so decisions record where they were made (`cli` instead of `api`). */
export const CLIENT_HEADER = 'x-portcullis-client';

export interface AuditorRoutesOptions {
  /** The bearer token every request must present (AUDITOR_API_TOKEN). */
  readonly apiToken: string;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
  readonly decideTriage: DecideTriage;
  readonly listIncidents: ListIncidents;
  readonly showIncident: ShowIncident;
  readonly requestSweep: RequestSweep;
  readonly logger: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

type Rejection = { status: number; code: string; message: string; issues?: { path: string; message: string }[] };

function reject(reply: FastifyReply, r: Rejection): FastifyReply {
  return reply.code(r.status).send({ status: 'rejected', code: r.code, message: r.message, ...(r.issues === undefined ? {} : { issues: r.issues }) });
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): { ok: true; value: z.output<S> } | { ok: false; rejection: Rejection } {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, rejection: { status: 400, code: 'INVALID_REQUEST', message: `invalid ${what}`, issues: issuesOf(parsed.error) } };
}

function channelOf(request: FastifyRequest): 'api' | 'cli' {
  return request.headers[CLIENT_HEADER] === 'cli' ? 'cli' : 'api';
}

function requestIdOf(request: FastifyRequest, fromBody: string | undefined): string {
  const header = request.headers['idempotency-key'];
  if (fromBody !== undefined) return fromBody;
  return typeof header === 'string' && /^[A-Za-z0-9._:@/+=-]{1,128}$/.test(header) ? header : randomUUID();
}

/**
 * The triage and sweep API, in its own Fastify context: bearer token checked before the body is
 * read (401), JSON only (415), bodies bounded (413), every input validated (400 with the problems),
 * Kafka or Redis trouble answered 503 with Retry-After. Decisions answer 202 once Kafka has them;
 * the view follows through the service's own consumer.
 */
export function auditorRoutesPlugin(options: AuditorRoutesOptions) {
  const { apiToken, maxBodyBytes } = options;

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (bearerTokenMatches(request.headers.authorization, apiToken)) return;
    void reply.header('www-authenticate', 'Bearer realm="portcullis-secret-auditor"');
    await reject(reply, { status: 401, code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' });
  }

  return async function auditorRoutes(scope: FastifyInstance): Promise<void> {
    scope.addHook('onRequest', authenticate);
    // JSON only: a text/plain body would otherwise reach the schemas as a string.
    scope.removeContentTypeParser('text/plain');

    scope.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        void reply.header('connection', 'close');
        return reject(reply, { status: 413, code: 'BODY_TOO_LARGE', message: `bodies are limited to ${maxBodyBytes} bytes` });
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reject(reply, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'expected application/json' });
      if (error instanceof StateError || error instanceof PublishError || (error instanceof PortcullisError && error.disposition !== 'permanent')) {
        void reply.header('retry-after', String(options.retryAfterSeconds));
        const code = error instanceof StateError ? 'STATE_UNAVAILABLE' : 'PUBLISH_FAILED';
        return reply.code(503).send({ status: 'unavailable', code, message: 'temporarily unavailable, retry later' });
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return reject(reply, { status: 400, code: 'BAD_REQUEST', message: 'the request could not be read (malformed JSON?)' });
      }
      options.logger.error({ err: error, route: request.routeOptions.url }, 'auditor API request failed');
      return reply.code(500).send({ status: 'error', code: 'INTERNAL', message: 'internal error' });
    });

    scope.get('/v1/secrets/incidents', async (request, reply) => {
      const query = parse(ListIncidentsQuery, request.query, 'query');
      if (!query.ok) return reject(reply, query.rejection);
      const page = await options.listIncidents.execute({
        limit: query.value.limit,
        ...(query.value.state === undefined ? {} : { state: query.value.state }),
        ...(query.value.cursor === undefined ? {} : { cursor: query.value.cursor }),
      });
      return reply.code(200).send(page);
    });

    scope.get('/v1/secrets/incidents/:fingerprint', async (request, reply) => {
      const params = parse(FingerprintParams, request.params, 'fingerprint');
      if (!params.ok) return reject(reply, params.rejection);
      const incident = await options.showIncident.execute(params.value.fingerprint);
      if (incident === undefined) return reject(reply, { status: 404, code: 'INCIDENT_UNKNOWN', message: 'no audit reported this fingerprint and nobody triaged it' });
      return reply.code(200).send(incident);
    });

    scope.put('/v1/secrets/triage/:fingerprint', { bodyLimit: maxBodyBytes }, async (request, reply) => {
      const params = parse(FingerprintParams, request.params, 'fingerprint');
      if (!params.ok) return reject(reply, params.rejection);
      const body = parse(TriageDecisionBody, request.body, 'triage decision');
      if (!body.ok) return reject(reply, body.rejection);
      const { requestId, repository, until, ...decision } = body.value;
      const outcome = await options.decideTriage.execute({
        ...decision,
        fingerprint: params.value.fingerprint,
        requestId: requestIdOf(request, requestId),
        channel: channelOf(request),
        ...(until === undefined ? {} : { until }),
        ...(repository === undefined ? {} : { repository }),
      });
      if (outcome.status === 'rejected') {
        return reject(reply, { status: outcome.code === 'REPOSITORY_REQUIRED' ? 409 : 400, code: outcome.code, message: outcome.message });
      }
      options.logger.info({ fingerprint: outcome.fingerprint, state: outcome.state, by: decision.by, requestId: outcome.requestId }, 'triage decision published');
      return reply.code(202).send(outcome);
    });

    scope.post('/v1/secrets/sweeps', { bodyLimit: maxBodyBytes }, async (request, reply) => {
      const body = parse(SweepRequestBody, request.body, 'sweep request');
      if (!body.ok) return reject(reply, body.rejection);
      const outcome = await options.requestSweep.execute({
        requestId: requestIdOf(request, body.value.requestId),
        repository: body.value.repository,
        ...(body.value.ref === undefined ? {} : { ref: body.value.ref }),
        ...(body.value.reason === undefined ? {} : { reason: body.value.reason }),
        by: body.value.by,
        channel: channelOf(request),
      });
      return reply.code(202).send(outcome);
    });
  };
}
