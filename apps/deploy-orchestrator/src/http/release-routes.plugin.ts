import { type BodyOf, OperatorCommands, parseReleaseId } from '@portcullis/contracts';
import { type EventPublisher } from '@portcullis/messaging';
import { type FastifyInstance, type FastifyRequest, guardJsonApi, parseInput, reject } from '@portcullis/service-kit';
import { randomUUID } from 'node:crypto';
import { type ReleaseStore } from '../release/reconcile.ports.js';
import { type ReleaseRecord } from '../release/release.model.js';
import { ApproveBody, EnvironmentParams, PromoteBody, ReleaseParams, RollbackBody } from './release-api.schemas.js';

/** Header the CLI sets, so decisions record where they were made (`cli` instead of `api`). */
export const CLIENT_HEADER = 'x-portcullis-client';

export interface ReleaseRoutesOptions {
  /** The bearer token every request must present (DEPLOY_API_TOKEN). */
  readonly apiToken: string;
  readonly maxBodyBytes: number;
  readonly retryAfterSeconds: number;
  readonly releases: ReleaseStore;
  readonly publisher: Pick<EventPublisher, 'publish'>;
  readonly logger: { error(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

type ReleaseCommand = Extract<BodyOf<typeof OperatorCommands>, { kind: 'release.approve' | 'release.promote' | 'release.rollback' }>;

/**
 * The release API: read where a release stands and why (`GET /v1/releases/:releaseId`), and
 * approve, promote or roll it back in an environment. Decisions are published on
 * `operator.commands` (202 once Kafka has them) and applied by the service's own consumer, the
 * same path a Slack button takes.
 */
export function releaseRoutesPlugin(options: ReleaseRoutesOptions) {
  return async function releaseRoutes(scope: FastifyInstance): Promise<void> {
    guardJsonApi(scope, {
      apiToken: options.apiToken,
      realm: 'portcullis-deploy-orchestrator',
      retryAfterSeconds: options.retryAfterSeconds,
      maxBodyBytes: options.maxBodyBytes,
      unavailableCode: 'PUBLISH_FAILED',
      name: 'release API',
      logger: options.logger,
    });

    scope.get('/v1/releases/:releaseId', async (request, reply) => {
      const params = parseInput(ReleaseParams, request.params, 'release');
      if (!params.ok) return reject(reply, params.rejection);
      const release = await options.releases.get(params.value.releaseId);
      if (!release) return reject(reply, { status: 404, code: 'RELEASE_UNKNOWN', message: 'no event about this release has reached the orchestrator' });
      return reply.code(200).send(releaseView(release));
    });

    const command = (kind: ReleaseCommand['kind']) => async (request: FastifyRequest, reply: Parameters<typeof reject>[0]) => {
      const params = parseInput(EnvironmentParams, request.params, 'release and environment');
      if (!params.ok) return reject(reply, params.rejection);
      const schema = kind === 'release.rollback' ? RollbackBody : kind === 'release.promote' ? PromoteBody : ApproveBody;
      const body = parseInput(schema, request.body, kind);
      if (!body.ok) return reject(reply, body.rejection);
      const { releaseId, environment } = params.value;
      const repository = parseReleaseId(releaseId)!.repository;
      const requestId = body.value.requestId ?? randomUUID();
      const actor = { source: request.headers[CLIENT_HEADER] === 'cli' ? ('cli' as const) : ('api' as const), id: body.value.by, name: body.value.by };
      const common = { requestId, actor, repository, releaseId, environment };
      const event: ReleaseCommand =
        kind === 'release.rollback'
          ? { kind, ...common, reason: (body.value as { reason: string }).reason }
          : { kind, ...common, ...('comment' in body.value && body.value.comment !== undefined ? { comment: body.value.comment } : {}) };
      const { id } = await options.publisher.publish(OperatorCommands, event, { id: `${kind}:${requestId}`, releaseId });
      options.logger.info({ kind, releaseId, environment, by: actor.id, requestId }, 'release command published');
      return reply.code(202).send({ requestId, eventId: id, kind, releaseId, environment });
    };

    scope.post('/v1/releases/:releaseId/environments/:environment/approve', { bodyLimit: options.maxBodyBytes }, command('release.approve'));
    scope.post('/v1/releases/:releaseId/environments/:environment/promote', { bodyLimit: options.maxBodyBytes }, command('release.promote'));
    scope.post('/v1/releases/:releaseId/environments/:environment/rollback', { bodyLimit: options.maxBodyBytes }, command('release.rollback'));
  };
}

/** What an operator needs to know about a release: per environment, where it stands and why. */
export function releaseView(release: ReleaseRecord) {
  return {
    releaseId: release.releaseId,
    repository: release.repository,
    sha: release.sha,
    updatedAt: release.updatedAt,
    gates: {
      secrets: release.audit ? { verdict: release.audit.verdict, ref: release.audit.ref, blocking: release.audit.blockingCount, ...(release.audit.failure ? { failure: release.audit.failure } : {}) } : null,
      builds: release.builds,
      scans: Object.values(release.scans).map((s) => ({ image: s.image, verdict: s.verdict, blocking: s.blockingCount, ...(s.failure ? { failure: s.failure } : {}) })),
    },
    environments: Object.fromEntries(
      Object.entries(release.environments).map(([name, env]) => [
        name,
        {
          state: env.state,
          reason: env.reason,
          message: env.message,
          sequence: env.sequence,
          ...(env.waitingFor ? { waitingFor: env.waitingFor } : {}),
          ...(env.blockingKey ? { blocking: JSON.parse(env.blockingKey) as unknown } : {}),
          ...(env.approvedBy ? { approvedBy: env.approvedBy } : {}),
          ...(env.lastGoodReleaseId ? { lastGoodReleaseId: env.lastGoodReleaseId } : {}),
        },
      ]),
    ),
  };
}
