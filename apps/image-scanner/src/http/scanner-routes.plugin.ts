import { type FastifyAdapter } from '@nestjs/platform-fastify';
import { PortcullisError } from '@portcullis/errors';
import { StateError } from '@portcullis/state';
import { type z } from 'zod';
import { bearerTokenMatches } from '@portcullis/service-kit';
import { type ExportOpenVex } from './export-openvex.use-case.js';
import { issuesOf, OpenVexParams, OpenVexQuery } from './openvex-api.schemas.js';

// Fastify's types as Nest's adapter names them: `fastify` itself is only a transitive dependency.
type AdapterTypes =
  FastifyAdapter extends FastifyAdapter<infer _Server, infer _RawRequest, infer _RawReply, infer Request, infer Reply, infer Instance>
    ? { request: Request; reply: Reply; instance: Instance }
    : never;
type FastifyInstance = AdapterTypes['instance'];
type FastifyRequest = AdapterTypes['request'];
type FastifyReply = AdapterTypes['reply'];

export interface ScannerRoutesOptions {
  /** The bearer token every request must present (SCANNER_API_TOKEN). */
  readonly apiToken: string;
  /** Platform looked up when the query names none (SCAN_PLATFORM). */
  readonly defaultPlatform: string;
  readonly retryAfterSeconds: number;
  readonly exportOpenVex: ExportOpenVex;
  readonly logger: { error(obj: object, msg: string): void };
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

/**
 * The image-scanner's read API, in its own Fastify context: bearer token checked first (401),
 * every input validated (400 with the problems), Redis or git trouble answered 503 with
 * Retry-After. `GET /v1/images/:digest/openvex` serves the OpenVEX 0.2.0 document of the scan
 * cached for the digest under the current vulnerability database.
 */
export function scannerRoutesPlugin(options: ScannerRoutesOptions) {
  const { apiToken } = options;

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (bearerTokenMatches(request.headers.authorization, apiToken)) return;
    void reply.header('www-authenticate', 'Bearer realm="portcullis-image-scanner"');
    await reject(reply, { status: 401, code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' });
  }

  return async function scannerRoutes(scope: FastifyInstance): Promise<void> {
    scope.addHook('onRequest', authenticate);

    scope.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
      if (error instanceof StateError || (error instanceof PortcullisError && error.disposition !== 'permanent')) {
        void reply.header('retry-after', String(options.retryAfterSeconds));
        const code = error instanceof StateError ? 'STATE_UNAVAILABLE' : 'POLICY_UNAVAILABLE';
        return reply.code(503).send({ status: 'unavailable', code, message: 'temporarily unavailable, retry later' });
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return reject(reply, { status: 400, code: 'BAD_REQUEST', message: 'the request could not be read' });
      }
      options.logger.error({ err: error, route: request.routeOptions.url }, 'image-scanner API request failed');
      return reply.code(500).send({ status: 'error', code: 'INTERNAL', message: 'internal error' });
    });

    scope.get('/v1/images/:digest/openvex', async (request, reply) => {
      const params = parse(OpenVexParams, request.params, 'digest');
      if (!params.ok) return reject(reply, params.rejection);
      const query = parse(OpenVexQuery, request.query, 'query');
      if (!query.ok) return reject(reply, query.rejection);
      const { platform, repository, commit, image, suppressedOnly } = query.value;
      const outcome = await options.exportOpenVex.execute({
        digest: params.value.digest,
        platform: platform ?? options.defaultPlatform,
        ...(repository !== undefined && commit !== undefined ? { release: { repository, commit } } : {}),
        ...(image === undefined ? {} : { image }),
        suppressedOnly,
      });
      if (outcome.status === 'not-scanned') {
        return reject(reply, {
          status: 404,
          code: 'SCAN_NOT_FOUND',
          message: `no scan of ${params.value.digest} for ${platform ?? options.defaultPlatform} under the current vulnerability database (${outcome.vulndbVersion})`,
        });
      }
      // Which policy judged the document, so a caller can tell a repository's from the fallback.
      void reply.header('x-portcullis-policy', outcome.policyInvalid ? 'invalid' : outcome.policySource);
      void reply.header('x-portcullis-vulndb-version', outcome.vulndbVersion);
      return reply.code(200).type('application/json').send(outcome.document);
    });
  };
}
