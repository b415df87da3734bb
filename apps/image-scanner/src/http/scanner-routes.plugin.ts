import { type FastifyInstance, guardJsonApi, parseInput, reject } from '@portcullis/service-kit';
import { type ExportOpenVex } from './export-openvex.use-case.js';
import { OpenVexParams, OpenVexQuery } from './openvex-api.schemas.js';

export interface ScannerRoutesOptions {
  /** The bearer token every request must present (SCANNER_API_TOKEN). */
  readonly apiToken: string;
  /** Platform looked up when the query names none (SCAN_PLATFORM). */
  readonly defaultPlatform: string;
  readonly retryAfterSeconds: number;
  readonly exportOpenVex: ExportOpenVex;
  readonly logger: { error(obj: object, msg: string): void };
}

/**
 * The image-scanner's read API, in its own Fastify context: bearer token checked first (401),
 * every input validated (400 with the problems), Redis or git trouble answered 503 with
 * Retry-After. `GET /v1/images/:digest/openvex` serves the OpenVEX 0.2.0 document of the scan
 * cached for the digest under the current vulnerability database.
 */
export function scannerRoutesPlugin(options: ScannerRoutesOptions) {
  return async function scannerRoutes(scope: FastifyInstance): Promise<void> {
    guardJsonApi(scope, {
      apiToken: options.apiToken,
      realm: 'portcullis-image-scanner',
      retryAfterSeconds: options.retryAfterSeconds,
      unavailableCode: 'POLICY_UNAVAILABLE',
      name: 'image-scanner API',
      logger: options.logger,
    });

    scope.get('/v1/images/:digest/openvex', async (request, reply) => {
      const params = parseInput(OpenVexParams, request.params, 'digest', 'parameter(s)');
      if (!params.ok) return reject(reply, params.rejection);
      const query = parseInput(OpenVexQuery, request.query, 'query', 'parameter(s)');
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
