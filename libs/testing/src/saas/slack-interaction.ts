import { createHmac } from 'node:crypto';

/** The headers Slack sends with an interaction request. */
export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/**
 * Signs a request body like Slack: `v0=` + hex HMAC-SHA256(signing secret,
 * `v0:<timestamp>:<raw body>`). `timestampS` defaults to now (Unix seconds); pass an old one to
 * test the replay window.
 */
export function signSlackRequest(signingSecret: string, body: string, timestampS: number = Math.floor(Date.now() / 1000)): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestampS}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestampS) };
}

/** One clicked button. */
export interface InteractionAction {
  actionId: string;
  value?: string;
  blockId?: string;
  /** Button label; defaults to the action id. */
  text?: string;
}

export interface InteractionInput {
  user: { id: string; username?: string; name?: string };
  /** Channel id of the message the button is on. */
  channel: string;
  /** ts of the message the button is on. */
  messageTs: string;
  /** Root ts when the message is a thread reply. */
  threadTs?: string;
  actions: InteractionAction[];
  responseUrl?: string;
  triggerId?: string;
  teamId?: string;
  /** Blocks of the message as Slack echoes them back (optional). */
  messageBlocks?: unknown[];
}

/** A `block_actions` interaction as Slack posts it to the app's Request URL. */
export interface SlackInteraction {
  /** The parsed payload. */
  payload: Record<string, unknown>;
  /** Request body: `application/x-www-form-urlencoded` with one field, `payload=<json>`. */
  body: string;
  contentType: 'application/x-www-form-urlencoded';
}

/** Builds the `block_actions` payload Slack sends when a user clicks a button. */
export function interactionPayload(input: InteractionInput): SlackInteraction {
  const teamId = input.teamId ?? 'TPORTCULLIS';
  const actionTs = (Date.now() / 1000).toFixed(6);
  const username = input.user.username ?? input.user.id.toLowerCase();
  const payload: Record<string, unknown> = {
    type: 'block_actions',
    user: { id: input.user.id, username, name: input.user.name ?? username, team_id: teamId },
    api_app_id: 'APORTCULLIS',
    // Deprecated verification token: Slack still sends it; apps must rely on the signature instead.
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false, ...(input.threadTs ? { thread_ts: input.threadTs } : {}) },
    trigger_id: input.triggerId ?? `${Date.now()}.${teamId}.${Math.random().toString(16).slice(2)}`,
    team: { id: teamId, domain: 'portcullis-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel, name: input.channel.toLowerCase() },
    message: {
      type: 'message',
      ts: input.messageTs,
      ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
      bot_id: 'BPORTCULLIS',
      text: '',
      ...(input.messageBlocks ? { blocks: input.messageBlocks } : {}),
    },
    state: { values: {} },
    response_url: input.responseUrl ?? `https://hooks.slack.com/actions/${teamId}/1/${Math.random().toString(16).slice(2)}`,
    actions: input.actions.map((a) => ({
      action_id: a.actionId,
      block_id: a.blockId ?? 'actions',
      text: { type: 'plain_text', text: a.text ?? a.actionId, emoji: true },
      ...(a.value !== undefined ? { value: a.value } : {}),
      type: 'button',
      action_ts: actionTs,
    })),
  };
  return { payload, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: 'application/x-www-form-urlencoded' };
}

/** {@link interactionPayload} plus the signed headers, ready for `fetch(url, { method: 'POST', ...it })`. */
export function signedInteraction(
  signingSecret: string,
  input: InteractionInput,
  timestampS?: number,
): { body: string; headers: SlackSignatureHeaders & { 'content-type': string }; payload: Record<string, unknown> } {
  const { payload, body, contentType } = interactionPayload(input);
  return { payload, body, headers: { ...signSlackRequest(signingSecret, body, timestampS), 'content-type': contentType } };
}
