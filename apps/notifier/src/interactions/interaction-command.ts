import { type BodyOf, type OperatorCommands, parseReleaseId, repositoryKey } from '@portcullis/contracts';
import { actionOf, decodeActionValue, decodeJsonValue, FindingTriageValue, repositoryOfKey, VulnerabilityAcceptValue } from '@portcullis/notify';
import { type SlackAccessRequest } from './slack-access.policy.js';
import { type BlockActionsPayload } from './slack-interaction.schemas.js';

export type OperatorCommand = BodyOf<typeof OperatorCommands>;

/** A click turned into a command, with what the user is told once Kafka has it. */
export interface InteractionCommand {
  readonly outcome: 'command';
  readonly command: OperatorCommand;
  /** What authorisation is asked about. */
  readonly access: SlackAccessRequest;
  /** "You are not allowed to <deniedText>." */
  readonly deniedText: string;
  /** The acknowledgement shown to the user. */
  readonly ackText: string;
}

/** A click that becomes nothing, with the reason the user is shown. */
export interface InteractionReply {
  readonly outcome: 'reply';
  readonly code: 'UNKNOWN_ACTION' | 'UNKNOWN_RELEASE' | 'INVALID_VALUE' | 'ACCEPTANCE_EXPIRED' | 'ONE_ACTION_AT_A_TIME';
  readonly text: string;
}

const REASON_MAX = 500;

/** `provider/owner/name@abcdef1`, for short replies. */
export function shortRelease(releaseId: string): string {
  const at = releaseId.lastIndexOf('@');
  return `${releaseId.slice(0, at)}@${releaseId.slice(at + 1, at + 8)}`;
}

/** The display name Slack gives the user, falling back to the id. */
export function actorName(user: BlockActionsPayload['user']): string {
  return user.name ?? user.username ?? user.id;
}

/**
 * A stable command id from the click: Slack re-sends a delivery with the same body, so the same
 * trigger id (or action timestamp) yields the same request id and consumers apply it once.
 */
export function requestIdOf(payload: BlockActionsPayload): string {
  return payload.trigger_id ? `slack:${payload.trigger_id}` : `slack:${payload.user.id}:${payload.actions[0]!.action_ts}`;
}

/**
 * A reason the user typed, when the message carries a text input whose action id is `reason` or
 * ends in `.reason` (e.g. `release.rollback.reason`); otherwise `undefined`.
 */
export function typedReason(payload: BlockActionsPayload): string | undefined {
  for (const block of Object.values(payload.state?.values ?? {})) {
    for (const [actionId, input] of Object.entries(block)) {
      if ((actionId === 'reason' || actionId.endsWith('.reason')) && input.type === 'plain_text_input') {
        const text = input.value?.trim();
        if (text) return text.slice(0, REASON_MAX);
      }
    }
  }
  return undefined;
}

function reply(code: InteractionReply['code'], text: string): InteractionReply {
  return { outcome: 'reply', code, text };
}

/** The release a command acts on when it is a release button (approve, promote, roll back); `undefined` otherwise. */
export function releaseOfCommand(command: OperatorCommand): string | undefined {
  return command.kind === 'release.approve' || command.kind === 'release.promote' || command.kind === 'release.rollback' ? command.releaseId : undefined;
}

/** The answer to a release button for a release the notifier has no thread of. */
export function unknownReleaseReply(releaseId: string): InteractionReply {
  return reply('UNKNOWN_RELEASE', `Portcullis has no release ${shortRelease(releaseId)} (never seen, or older than its thread TTL); nothing was done.`);
}

/**
 * Turns a `block_actions` click into the operator command it stands for, or into a reply saying
 * why nothing happens. Pure: authorisation and publishing are the caller's.
 */
export function commandForInteraction(payload: BlockActionsPayload, now: Date): InteractionCommand | InteractionReply {
  if (payload.actions.length !== 1) return reply('ONE_ACTION_AT_A_TIME', 'Portcullis handles one button at a time; nothing was done.');
  const action = payload.actions[0]!;
  const kind = actionOf(action.action_id);
  if (kind === undefined) return reply('UNKNOWN_ACTION', `Portcullis does not know the action \`${action.action_id.slice(0, 80)}\`; nothing was done.`);

  const user = actorName(payload.user);
  const common = { requestId: requestIdOf(payload), actor: { source: 'slack' as const, id: payload.user.id, name: user } };

  switch (kind) {
    case 'release.approve':
    case 'release.promote':
    case 'release.rollback': {
      const value = decodeActionValue(action.value);
      const parsed = value ? parseReleaseId(value.releaseId) : undefined;
      if (!value || !parsed) return reply('INVALID_VALUE', 'This button does not name a release and environment Portcullis knows; nothing was done.');
      const { releaseId, environment } = value;
      const repository = repositoryKey(parsed.repository);
      const access = { userId: payload.user.id, action: kind, repository, environment };
      const release = shortRelease(releaseId);
      if (kind === 'release.rollback') {
        return {
          outcome: 'command',
          command: { kind: 'release.rollback', ...common, repository: parsed.repository, releaseId, environment, reason: typedReason(payload) ?? `rolled back from Slack by ${user}` },
          access,
          deniedText: `roll back releases of ${repository} in ${environment}`,
          ackText: `Rollback of ${environment} from ${release} sent by ${user}.`,
        };
      }
      const approve = kind === 'release.approve';
      return {
        outcome: 'command',
        command: { kind, ...common, repository: parsed.repository, releaseId, environment },
        access,
        deniedText: `${approve ? 'approve' : 'promote'} releases of ${repository} in ${environment}`,
        ackText: approve ? `Approval of ${release} for ${environment} sent by ${user}.` : `Promotion of ${release} in ${environment} sent by ${user}.`,
      };
    }
    case 'finding.triage': {
      const value = decodeJsonValue(FindingTriageValue, action.value);
      if (!value) return reply('INVALID_VALUE', 'This button does not name a secret finding Portcullis knows; nothing was done.');
      const label = value.state === 'false_positive' ? 'a false positive' : 'rotated';
      return {
        outcome: 'command',
        command: {
          kind: 'finding.triage',
          ...common,
          repository: repositoryOfKey(value.repository),
          fingerprint: value.fingerprint,
          state: value.state,
          reason: typedReason(payload) ?? `marked ${label} from Slack by ${user}`,
          ...(value.releaseId ? { releaseId: value.releaseId } : {}),
        },
        access: { userId: payload.user.id, action: 'finding.triage', repository: value.repository },
        deniedText: `triage secret findings of ${value.repository}`,
        ackText: `Finding \`${value.fingerprint.slice(0, 12)}\` in ${value.repository} marked ${label} by ${user}.`,
      };
    }
    case 'vulnerability.accept': {
      const value = decodeJsonValue(VulnerabilityAcceptValue, action.value);
      if (!value) return reply('INVALID_VALUE', 'This button does not name a vulnerability Portcullis knows; nothing was done.');
      // A stale button (the message is days old) must not accept a risk that has already lapsed.
      if (Date.parse(value.until) <= now.getTime()) {
        return reply('ACCEPTANCE_EXPIRED', `The acceptance date of ${value.vulnerabilityId} (${value.until}) has passed; nothing was done.`);
      }
      return {
        outcome: 'command',
        command: {
          kind: 'vulnerability.accept',
          ...common,
          repository: repositoryOfKey(value.repository),
          vulnerabilityId: value.vulnerabilityId,
          until: value.until,
          reason: typedReason(payload) ?? `accepted from Slack by ${user}`,
          ...(value.packageName ? { packageName: value.packageName } : {}),
          ...(value.imageDigest ? { imageDigest: value.imageDigest } : {}),
          ...(value.releaseId ? { releaseId: value.releaseId } : {}),
        },
        access: { userId: payload.user.id, action: 'vulnerability.accept', repository: value.repository },
        deniedText: `accept vulnerabilities in ${value.repository}`,
        ackText: `${value.vulnerabilityId} accepted for ${value.repository} until ${value.until} by ${user}.`,
      };
    }
  }
}
