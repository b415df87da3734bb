import { OperatorCommands } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { type FastifyInstance, type FastifyReply, type FastifyRequest, issuesOf, reject } from '@portcullis/service-kit';
import { commandForInteraction, type OperatorCommand, releaseOfCommand, unknownReleaseReply } from './interaction-command.js';
import { SlackAccessPolicy, type SlackAccessRule } from './slack-access.policy.js';
import { BlockActionsPayload, InteractionType } from './slack-interaction.schemas.js';
import { checkSlackHeaders, SLACK_REPLAY_WINDOW_SECONDS, verifySlackSignature } from './slack-signature.verifier.js';

export const SLACK_INTERACTIONS_PATH = '/v1/slack/interactions';

/** Bodies Slack posts for a button click are a few KiB; anything far larger is not Slack. */
export const DEFAULT_MAX_INTERACTION_BYTES = 64 * 1024;

/** The ephemeral reply to a click: shown to the clicking user only, the message stays as it is. */
export interface EphemeralReply {
  readonly response_type: 'ephemeral';
  readonly replace_original: false;
  readonly text: string;
}

/** The publishing port: `EventPublisher` from `@portcullis/messaging` fits. */
export interface CommandPublisher {
  publish(topic: typeof OperatorCommands, body: OperatorCommand, options: { id: string; releaseId?: string }): Promise<{ id: string }>;
}

/** The releases the notifier keeps a thread of: the thread store fits. */
export interface KnownReleases {
  /** False for a release never seen or whose thread has expired. */
  isKnown(releaseId: string): Promise<boolean>;
}

export interface SlackInteractionsOptions {
  /** The Slack app's signing secret (SLACK_SIGNING_SECRET); never logged. */
  readonly signingSecret: string;
  /** Who may do what (SLACK_ACCESS_RULES). No rule: every click is refused. */
  readonly access: readonly SlackAccessRule[];
  readonly publisher: CommandPublisher;
  /**
   * Optional: release buttons (approve, promote, roll back) for a release it does not know are
   * answered with `UNKNOWN_RELEASE` and publish nothing. Without it, every such click is published
   * and the orchestrator ignores commands for releases it does not have.
   */
  readonly releases?: KnownReleases;
  /**
   * Optional: delivers the reply through the interaction's `response_url` too. Slack ignores the
   * HTTP body of a `block_actions` answer, so without it the user sees nothing; the reply thread
   * still shows the command once the notifier consumes it.
   */
  readonly respond?: (responseUrl: string, reply: EphemeralReply) => Promise<void>;
  readonly maxBodyBytes?: number;
  /** Sent with every 503. */
  readonly retryAfterSeconds?: number;
  readonly replayWindowSeconds?: number;
  readonly clock?: () => Date;
  readonly logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

/** Slack's own hosts are the only place a `response_url` may point to. */
const RESPONSE_URL = /^https:\/\/hooks\.slack(-gov)?\.com\//;

function ephemeral(text: string): EphemeralReply {
  return { response_type: 'ephemeral', replace_original: false, text };
}

function isTransient(error: unknown): boolean {
  return error instanceof PortcullisError && error.disposition !== 'permanent';
}

/**
 * Slack's Request URL for interactive components: verifies the v0 signature over the raw body,
 * reads the `block_actions` click, checks the user's rights on the repository and environment,
 * and publishes the operator command on `operator.commands` for the owning service. Everything
 * the user needs to know comes back as an ephemeral reply; only transport problems are HTTP
 * errors (401 unsigned or stale, 413 too large, 400 unreadable, 503 Kafka unavailable).
 */
export function slackInteractionsPlugin(options: SlackInteractionsOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_INTERACTION_BYTES;
  const windowSeconds = options.replayWindowSeconds ?? SLACK_REPLAY_WINDOW_SECONDS;
  const clock = options.clock ?? (() => new Date());
  const policy = new SlackAccessPolicy(options.access);

  return async function slackInteractions(scope: FastifyInstance): Promise<void> {
    // Slack posts a form; the signature covers its exact bytes, so the parser keeps the raw string
    // and nothing is decoded before the signature holds. Other media types are refused (415).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: maxBodyBytes }, (_request, body, done) => {
      done(null, body);
    });

    scope.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        void reply.header('connection', 'close');
        return reject(reply, { status: 413, code: 'BODY_TOO_LARGE', message: `bodies are limited to ${maxBodyBytes} bytes` });
      }
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return reject(reply, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'expected application/x-www-form-urlencoded' });
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return reject(reply, { status: 400, code: 'BAD_REQUEST', message: 'the request could not be read' });
      }
      options.logger.error({ err: { name: error.name, message: error.message }, route: request.routeOptions.url }, 'slack interaction failed');
      return reply.code(500).send({ status: 'error', code: 'INTERNAL', message: 'internal error' });
    });

    const unauthenticated = (reply: FastifyReply) => reject(reply, { status: 401, code: 'UNAUTHENTICATED', message: 'a valid, fresh Slack signature is required' });

    // Unsigned or stale requests are refused before their body is read.
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const check = checkSlackHeaders(header(request, 'x-slack-signature'), header(request, 'x-slack-request-timestamp'), clock().getTime(), windowSeconds);
      if (check.ok) return;
      options.logger.warn({ reason: check.reason }, 'slack interaction refused');
      await unauthenticated(reply);
    });

    scope.post(SLACK_INTERACTIONS_PATH, { bodyLimit: maxBodyBytes }, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const signed = verifySlackSignature(
        options.signingSecret,
        { signature: header(request, 'x-slack-signature'), timestamp: header(request, 'x-slack-request-timestamp') },
        raw,
        clock().getTime(),
        windowSeconds,
      );
      if (!signed.ok) {
        options.logger.warn({ reason: signed.reason }, 'slack interaction refused');
        return unauthenticated(reply);
      }

      const json = new URLSearchParams(raw).get('payload');
      let document: unknown;
      try {
        document = json === null ? undefined : JSON.parse(json);
      } catch {
        document = undefined;
      }
      const type = InteractionType.safeParse(document);
      if (!type.success) return reject(reply, { status: 400, code: 'INVALID_PAYLOAD', message: 'expected a form field `payload` holding a JSON interaction' });
      if (type.data.type !== 'block_actions') {
        return reply.code(200).send(ephemeral(`Portcullis does not handle \`${type.data.type}\` interactions; nothing was done.`));
      }
      const payload = BlockActionsPayload.safeParse(document);
      if (!payload.success) {
        return reject(reply, { status: 400, code: 'INVALID_PAYLOAD', message: 'invalid block_actions payload', issues: issuesOf(payload.error) });
      }
      const click = payload.data;
      const answer = async (text: string) => {
        const message = ephemeral(text);
        if (options.respond && click.response_url && RESPONSE_URL.test(click.response_url)) {
          // Best effort: the command is already on Kafka (or refused); a lost notice must not turn into a retry.
          options.respond(click.response_url, message).catch((error: unknown) => {
            options.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'slack response_url reply failed');
          });
        }
        return reply.code(200).send(message);
      };

      const outcome = commandForInteraction(click, clock());
      if (outcome.outcome === 'reply') {
        options.logger.info({ code: outcome.code, user: click.user.id, actionId: click.actions[0]?.action_id.slice(0, 80) }, 'slack interaction ignored');
        return answer(outcome.text);
      }
      if (!policy.allows(outcome.access)) {
        options.logger.info({ user: click.user.id, ...outcome.access }, 'slack interaction not allowed');
        return answer(`You are not allowed to ${outcome.deniedText}; nothing was done.`);
      }
      // After the rights check, so a user without rights learns nothing about which releases exist.
      const target = releaseOfCommand(outcome.command);
      if (target !== undefined && options.releases && !(await isKnownRelease(options.releases, target, options.logger))) {
        const unknown = unknownReleaseReply(target);
        options.logger.info({ code: unknown.code, user: click.user.id, releaseId: target }, 'slack interaction ignored');
        return answer(unknown.text);
      }

      const command = OperatorCommands.schema.safeParse(outcome.command);
      if (!command.success) {
        return answer('This button carries values Portcullis cannot turn into a command; nothing was done.');
      }
      const { kind, requestId } = command.data;
      const releaseId = 'releaseId' in command.data ? command.data.releaseId : undefined;
      try {
        await options.publisher.publish(OperatorCommands, command.data, { id: `${kind}:${requestId}`, ...(releaseId ? { releaseId } : {}) });
      } catch (error) {
        if (!isTransient(error)) throw error;
        // Kind and ids only: the body is never logged.
        options.logger.error({ kind, requestId, releaseId, err: { name: (error as Error).name, message: (error as Error).message } }, 'slack interaction command not published');
        void reply.header('retry-after', String(options.retryAfterSeconds ?? 5));
        return reply.code(503).send({ status: 'unavailable', code: 'PUBLISH_FAILED', message: 'temporarily unavailable, retry later' });
      }
      options.logger.info({ kind, requestId, releaseId, user: click.user.id }, 'slack interaction command published');
      return answer(outcome.ackText);
    });
  };
}

/**
 * Whether the notifier knows the release. A failed lookup counts as known: the check only spares
 * the user a click that does nothing, while a rollback during an incident must not wait for the
 * thread store; the orchestrator still ignores commands for releases it does not have.
 */
async function isKnownRelease(releases: KnownReleases, releaseId: string, logger: SlackInteractionsOptions['logger']): Promise<boolean> {
  try {
    return await releases.isKnown(releaseId);
  } catch (error) {
    logger.warn({ releaseId, err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'slack interaction release lookup failed; publishing anyway');
    return true;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
