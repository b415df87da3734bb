import { type FastifyInstance, type FastifyRequest, guardJsonApi, parseInput, reject } from '@portcullis/service-kit';
import { randomUUID } from 'node:crypto';
import { type RequestSweep } from '../audit/request-sweep.use-case.js';
import { type DecideTriage } from '../triage/decide-triage.use-case.js';
import { type ListIncidents, type ShowIncident } from '../triage/list-incidents.use-case.js';
import { FingerprintParams, ListIncidentsQuery, SweepRequestBody, TriageDecisionBody } from './auditor-api.schemas.js';

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

  return async function auditorRoutes(scope: FastifyInstance): Promise<void> {
    guardJsonApi(scope, {
      apiToken,
      realm: 'portcullis-secret-auditor',
      retryAfterSeconds: options.retryAfterSeconds,
      maxBodyBytes,
      unavailableCode: 'PUBLISH_FAILED',
      name: 'auditor API',
      logger: options.logger,
    });

    scope.get('/v1/secrets/incidents', async (request, reply) => {
      const query = parseInput(ListIncidentsQuery, request.query, 'query');
      if (!query.ok) return reject(reply, query.rejection);
      const page = await options.listIncidents.execute({
        limit: query.value.limit,
        ...(query.value.state === undefined ? {} : { state: query.value.state }),
        ...(query.value.cursor === undefined ? {} : { cursor: query.value.cursor }),
      });
      return reply.code(200).send(page);
    });

    scope.get('/v1/secrets/incidents/:fingerprint', async (request, reply) => {
      const params = parseInput(FingerprintParams, request.params, 'fingerprint');
      if (!params.ok) return reject(reply, params.rejection);
      const incident = await options.showIncident.execute(params.value.fingerprint);
      if (incident === undefined) return reject(reply, { status: 404, code: 'INCIDENT_UNKNOWN', message: 'no audit reported this fingerprint and nobody triaged it' });
      return reply.code(200).send(incident);
    });

    scope.put('/v1/secrets/triage/:fingerprint', { bodyLimit: maxBodyBytes }, async (request, reply) => {
      const params = parseInput(FingerprintParams, request.params, 'fingerprint');
      if (!params.ok) return reject(reply, params.rejection);
      const body = parseInput(TriageDecisionBody, request.body, 'triage decision');
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
      const body = parseInput(SweepRequestBody, request.body, 'sweep request');
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
