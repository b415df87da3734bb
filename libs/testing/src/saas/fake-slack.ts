import { randomBytes } from 'node:crypto';
import { blockKitErrors, BLOCK_KIT_LIMITS } from './slack-block-kit.js';
import { renderSlackHtml } from './slack-render.js';
import { authorizationToken, parseForm, recordCall, splitPath, startHttpFake, type FakeRequest, type FakeResponse, type RecordedCall } from './http-fake.js';

/** How a channel answers posts (Slack's permanent errors, set per test). */
export type SlackChannelBehaviour = 'ok' | 'channel_not_found' | 'not_in_channel' | 'is_archived';

/** A failure injected for the next call of one method. */
export type SlackInjectedFailure =
  /** The HTTP status Slack's edge answers during an outage (body is not JSON, like Slack's). */
  | { status: 500 | 502 | 503 | 504 }
  /** HTTP 429 + `Retry-After: <retryAfterS>` + `{ ok: false, error: 'ratelimited' }`. */
  | { error: 'ratelimited'; retryAfterS: number }
  /** HTTP 200 + `{ ok: false, error }`, e.g. `internal_error`, `fatal_error`, `invalid_auth`. */
  | { error: string };

/**
 * A failure injected for the next post to one incoming webhook. Webhooks answer plain text, not
 * JSON: the code is the whole body.
 */
export type SlackWebhookInjectedFailure =
  /** An outage at Slack's edge: that status with a non-code body. */
  | { status: 500 | 502 | 503 | 504 }
  /** HTTP 429 + `Retry-After: <retryAfterS>` + `rate_limited`. */
  | { status: 429; retryAfterS: number }
  /** A refusal, e.g. `{ status: 403, error: 'action_prohibited' }`, `{ status: 404, error: 'no_service' }`. */
  | { status: 400 | 403 | 404 | 410; error: string };

/** A channel the fake knows. */
export interface FakeSlackChannel {
  /** Conversation id, e.g. `C0123DEPLOY`. */
  id: string;
  /** Name without `#`; chat.postMessage accepts it instead of the id (as Slack does). */
  name?: string;
}

export interface FakeSlackOptions {
  /** Bot token the fake accepts; defaults to a random `xoxb-…`. */
  token?: string;
  /**
   * Channels that exist. Omitted: every well-formed conversation id (`C…`, `G…`, `D…`) exists and
   * names cannot be resolved. Given: only these exist; anything else is `channel_not_found`.
   */
  channels?: ReadonlyArray<string | FakeSlackChannel>;
  /**
   * Per-channel allowance shared by chat.postMessage and chat.update: a token bucket refilled at
   * `perSecond` with room for `burst` calls. Default 1 per second, burst 3 (Slack: "1 per second,
   * short bursts allowed"). A call over the allowance gets HTTP 429 + `Retry-After`.
   */
  rateLimit?: { perSecond: number; burst: number } | false;
  /**
   * What chat.postMessage does with a `thread_ts` that is not a root message of that channel.
   * Real Slack answers `ok: true` and the reply is never visible in the channel (it hangs off a
   * message that does not exist). The default `'reject'` answers `{ ok: false, error:
   * 'thread_not_found' }` so a notifier bug that would silently lose replies fails its test;
   * `'accept'` mirrors Slack and stores the orphan reply.
   */
  unknownThreadTs?: 'reject' | 'accept';
  /**
   * Incoming webhooks: path (`/services/T…/B…/<secret>`) → the channel id it posts into, as chosen
   * when the webhook was installed. `POST <origin><path>` with `{ text, blocks? }` (JSON, or a form
   * with a `payload` field) answers like Slack: plain-text `ok`, or a status and a plain-text code.
   * A webhook post shares its channel's rate limit with chat.postMessage and chat.update.
   */
  webhooks?: Record<string, string>;
  /** Clock in ms (rate limit, message ts); inject one to test bursts without sleeping. */
  now?: () => number;
}

/** One version of a message's content. */
export interface SlackMessageVersion {
  text?: string;
  blocks?: unknown[];
  /**
   * Clock time (ms) at which this version was replaced (the chat.update that superseded it); the
   * first version was written at the message's post, version k (k ≥ 1) at `edits[k-1].at`.
   */
  at: number;
}

/** A message stored by the fake. */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  /** Root ts when this is a thread reply. */
  threadTs?: string;
  /** `U…` of the poster: the bot user, or a human seeded with {@link FakeSlack.postAsUser}. */
  user: string;
  /** Set for messages posted by the bot. */
  botId?: string;
  text?: string;
  blocks?: unknown[];
  /** Earlier versions, oldest first (each chat.update pushes the version it replaces). */
  edits: SlackMessageVersion[];
  /** Number of replies (root messages only). */
  replyCount: number;
  /** Posted through an incoming webhook: no ts was returned to the poster, and chat.update refuses it. */
  viaWebhook?: boolean;
}

/** An ephemeral message (chat.postEphemeral); never stored in the channel, like Slack. */
export interface FakeSlackEphemeral {
  channel: string;
  user: string;
  messageTs: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
}

export interface FakeSlack {
  /** Base URL for `new WebClient(token, { slackApiUrl: url })`; ends in `/api/`. */
  url: string;
  /** Full URL of a configured incoming webhook (`options.webhooks` key), to hand to the code under test. */
  webhookUrl(path: string): string;
  /**
   * A page showing every channel as Slack would (`GET /`, HTML, see {@link renderSlackHtml});
   * `?refresh=<seconds>` makes an open page reload itself. Page views are not recorded in {@link calls}.
   */
  pageUrl: string;
  /** The page of one channel (`GET /channels/<id or name>`); 404 for a channel that does not exist. */
  channelPageUrl(channel: string): string;
  /** The configured name (`options.channels`) of a channel id, without `#`. */
  channelName(channel: string): string | undefined;
  token: string;
  /** Bot identity returned by auth.test. */
  bot: { userId: string; botId: string; teamId: string };
  /** Every call, including refused and rate-limited ones, in arrival order. */
  calls: RecordedCall[];
  /** Stored messages: channel id → ts → message. */
  messages: Map<string, Map<string, FakeSlackMessage>>;
  ephemerals: FakeSlackEphemeral[];
  /** Root messages of a channel, oldest first. */
  roots(channel: string): FakeSlackMessage[];
  /** Replies of a thread, oldest first. */
  replies(channel: string, threadTs: string): FakeSlackMessage[];
  /**
   * Calls of one Web API method. Incoming-webhook posts are recorded as method `incoming-webhook`,
   * with the secret last segment of the path replaced by `<redacted>`.
   */
  callsOf(method: string): RecordedCall[];
  setChannelBehaviour(channel: string, behaviour: SlackChannelBehaviour): void;
  /** The next call of `method` fails as described (queued: call twice for two failures). */
  failNext(method: string, failure: SlackInjectedFailure): void;
  /** The next post to the webhook at `path` fails as described (queued, like {@link failNext}). */
  failNextWebhook(path: string, failure: SlackWebhookInjectedFailure): void;
  /**
   * An outage: for the next `ms` (by the fake's clock), every authorized Web API call of every
   * method answers a failure instead — given several, they take turns call by call (e.g. a 429 and
   * a 500 alternating). {@link failNext} failures queued before still come first. Returns when the
   * window ends (ms since epoch on the fake's clock). A new call replaces a running window.
   */
  failFor(ms: number, failure: SlackInjectedFailure | readonly SlackInjectedFailure[]): number;
  /** Seeds a message written by a human (the bot may not chat.update it: `cant_update_message`). */
  postAsUser(channel: string, user: string, text: string, threadTs?: string): FakeSlackMessage;
  close(): Promise<void>;
}

const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const RATE_LIMITED_METHODS = new Set(['chat.postMessage', 'chat.update']);
/** Method name under which webhook posts are recorded. */
const WEBHOOK_METHOD = 'incoming-webhook';
/** Identity of the app behind the webhooks: not the bot, so chat.update refuses their messages. */
const WEBHOOK_POSTER = { userId: 'U0WEBHOOK', botId: 'B0WEBHOOK' };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Starts a local Slack Web API that enforces what Slack enforces for the methods the notifier
 * uses: auth.test, chat.postMessage, chat.update, chat.postEphemeral, conversations.info; and
 * incoming webhooks (`options.webhooks`) with their plain-text answers.
 */
const THREAD_NOT_FOUND = Symbol('thread_not_found');

export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const now = options.now ?? Date.now;
  const token = options.token ?? `xoxb-${Date.now()}-${randomBytes(12).toString('hex')}`;
  const bot = { userId: 'UBOT0PORTCULLIS', botId: 'BPORTCULLIS', teamId: 'TPORTCULLIS' };
  const rate = options.rateLimit === undefined ? { perSecond: 1, burst: 3 } : options.rateLimit;
  const unknownThreadTs = options.unknownThreadTs ?? 'reject';
  const known = options.channels?.map((c) => (typeof c === 'string' ? { id: c } : c));
  const calls: RecordedCall[] = [];
  const messages = new Map<string, Map<string, FakeSlackMessage>>();
  const ephemerals: FakeSlackEphemeral[] = [];
  const behaviours = new Map<string, SlackChannelBehaviour>();
  const failures = new Map<string, SlackInjectedFailure[]>();
  const buckets = new Map<string, Bucket>();
  const webhooks = new Map(Object.entries(options.webhooks ?? {}));
  const webhookFailures = new Map<string, SlackWebhookInjectedFailure[]>();
  let outage: { until: number; failures: readonly SlackInjectedFailure[]; next: number } | undefined;
  let lastMicros = 0;

  /** Unique, strictly increasing `seconds.micros` timestamps, like Slack's message ts. */
  const nextTs = (): string => {
    lastMicros = Math.max(lastMicros + 1, Math.floor(now() * 1000));
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  };

  /**
   * The thread a post replies to (`undefined`: a new root), counting the reply on its root.
   * A ts that names no root of the channel follows `unknownThreadTs`. Incoming webhooks take
   * `thread_ts` too (api.slack.com/messaging/webhooks#threads), though their poster cannot learn a
   * ts from the webhook's bare `ok`.
   */
  const replyTo = (channel: string, threadRef: unknown): string | undefined | typeof THREAD_NOT_FOUND => {
    if (threadRef === undefined || threadRef === '') return undefined;
    const threadTs = String(threadRef);
    const root = messages.get(channel)?.get(threadTs);
    if (!root || root.threadTs !== undefined) return unknownThreadTs === 'reject' ? THREAD_NOT_FOUND : threadTs;
    root.replyCount += 1;
    return threadTs;
  };

  const resolveChannel = (ref: string): string | undefined => {
    if (known) {
      const name = ref.replace(/^#/, '');
      return known.find((c) => c.id === ref || c.name === name)?.id;
    }
    return CHANNEL_ID.test(ref) ? ref : undefined;
  };

  const channelMessages = (channel: string): Map<string, FakeSlackMessage> => {
    let map = messages.get(channel);
    if (!map) messages.set(channel, (map = new Map()));
    return map;
  };

  /** Takes one call from the channel's bucket; returns seconds to wait when empty. */
  const takeToken = (channel: string): number | undefined => {
    if (!rate) return undefined;
    const t = now();
    const bucket = buckets.get(channel) ?? { tokens: rate.burst, updatedAt: t };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + ((t - bucket.updatedAt) / 1000) * rate.perSecond);
    bucket.updatedAt = t;
    buckets.set(channel, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate.perSecond));
  };

  const ok = (body: Record<string, unknown>): FakeResponse => ({ status: 200, body: { ok: true, ...body } });
  const err = (error: string, extra: Record<string, unknown> = {}): FakeResponse => ({ status: 200, body: { ok: false, error, ...extra } });

  /** Message content (`text`/`blocks`) as Slack checks it for post and update. */
  const content = (params: Record<string, unknown>): { text?: string; blocks?: unknown[] } | FakeResponse => {
    const text = params['text'];
    if (text !== undefined && typeof text !== 'string') return err('invalid_arguments');
    let blocks = params['blocks'];
    if (typeof blocks === 'string') {
      // Form posts (the official client) carry blocks as a JSON string.
      try {
        blocks = JSON.parse(blocks) as unknown;
      } catch {
        return err('invalid_blocks_format');
      }
    }
    if (blocks !== undefined && !Array.isArray(blocks)) return err('invalid_blocks_format');
    const hasText = typeof text === 'string' && text.length > 0;
    const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
    const hasAttachments = params['attachments'] !== undefined && params['attachments'] !== '[]';
    if (!hasText && !hasBlocks && !hasAttachments) return err('no_text');
    if (hasText && text.length > BLOCK_KIT_LIMITS.messageText) return err('msg_too_long');
    if (Array.isArray(blocks)) {
      const errors = blockKitErrors(blocks);
      if (errors.length > 0) {
        return err('invalid_blocks', { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
      }
    }
    return { ...(hasText ? { text } : {}), ...(Array.isArray(blocks) ? { blocks } : {}) };
  };

  const isResponse = (v: object): v is FakeResponse => 'status' in v && 'body' in v;

  /** Channel argument → id, or the permanent error of that channel. */
  const channelFor = (params: Record<string, unknown>, allowName: boolean): string | FakeResponse => {
    const ref = params['channel'];
    if (typeof ref !== 'string' || ref === '') return err('channel_not_found');
    const id = allowName ? resolveChannel(ref) : CHANNEL_ID.test(ref) ? resolveChannel(ref) : undefined;
    if (id === undefined) return err('channel_not_found');
    const behaviour = behaviours.get(id) ?? 'ok';
    return behaviour === 'ok' ? id : err(behaviour);
  };

  const messageJson = (m: FakeSlackMessage): Record<string, unknown> => ({
    type: 'message',
    user: m.user,
    ...(m.botId ? { bot_id: m.botId, app_id: 'APORTCULLIS' } : {}),
    text: m.text ?? '',
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ts: m.ts,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    team: bot.teamId,
  });

  const methods: Record<string, (params: Record<string, unknown>) => FakeResponse> = {
    'auth.test': () =>
      ok({
        url: 'https://portcullis-test.slack.com/',
        team: 'Portcullis Test',
        user: 'portcullis',
        team_id: bot.teamId,
        user_id: bot.userId,
        bot_id: bot.botId,
        is_enterprise_install: false,
      }),

    'chat.postMessage': (params) => {
      const channel = channelFor(params, true);
      if (typeof channel !== 'string') return channel;
      const body = content(params);
      if (isResponse(body)) return body;
      const threadTs = replyTo(channel, params['thread_ts']);
      if (threadTs === THREAD_NOT_FOUND) return err('thread_not_found');
      const ts = nextTs();
      const message: FakeSlackMessage = { channel, ts, user: bot.userId, botId: bot.botId, ...body, edits: [], replyCount: 0, ...(threadTs ? { threadTs } : {}) };
      channelMessages(channel).set(ts, message);
      return ok({ channel, ts, message: messageJson(message) });
    },

    'chat.update': (params) => {
      // chat.update takes a conversation id, not a name.
      const channel = channelFor(params, false);
      if (typeof channel !== 'string') return channel;
      const ts = params['ts'];
      const message = typeof ts === 'string' ? messages.get(channel)?.get(ts) : undefined;
      if (!message) return err('message_not_found');
      if (message.botId !== bot.botId) return err('cant_update_message');
      const body = content(params);
      if (isResponse(body)) return body;
      message.edits.push({ ...(message.text !== undefined ? { text: message.text } : {}), ...(message.blocks ? { blocks: message.blocks } : {}), at: now() });
      // Slack replaces what is given; an update without blocks keeps the old blocks only when
      // `blocks` is absent (an explicit `[]` clears them).
      if ('text' in body) message.text = body.text;
      else delete message.text;
      if (body.blocks !== undefined) message.blocks = body.blocks;
      return ok({ channel, ts: message.ts, text: message.text ?? '', message: messageJson(message) });
    },

    'chat.postEphemeral': (params) => {
      const channel = channelFor(params, true);
      if (typeof channel !== 'string') return channel;
      const user = params['user'];
      if (typeof user !== 'string' || !USER_ID.test(user)) return err('user_not_in_channel');
      const body = content(params);
      if (isResponse(body)) return body;
      const messageTs = nextTs();
      const threadTs = typeof params['thread_ts'] === 'string' && params['thread_ts'] !== '' ? params['thread_ts'] : undefined;
      ephemerals.push({ channel, user, messageTs, ...body, ...(threadTs ? { threadTs } : {}) });
      return ok({ message_ts: messageTs });
    },

    'conversations.info': (params) => {
      const ref = params['channel'];
      const id = typeof ref === 'string' && CHANNEL_ID.test(ref) ? resolveChannel(ref) : undefined;
      const behaviour = id === undefined ? 'channel_not_found' : (behaviours.get(id) ?? 'ok');
      if (id === undefined || behaviour === 'channel_not_found') return err('channel_not_found');
      const name = known?.find((c) => c.id === id)?.name ?? id.toLowerCase();
      return ok({
        channel: { id, name, is_channel: id.startsWith('C'), is_private: id.startsWith('G'), is_archived: behaviour === 'is_archived', is_member: behaviour !== 'not_in_channel' },
      });
    },
  };

  /** The failure of the running outage window for this call, taking turns; none outside the window. */
  const outageFailure = (): SlackInjectedFailure | undefined => {
    if (!outage || now() >= outage.until) return undefined;
    const failure = outage.failures[outage.next % outage.failures.length];
    outage.next += 1;
    return failure;
  };

  const injected = (method: string): FakeResponse | undefined => {
    const failure = failures.get(method)?.shift() ?? outageFailure();
    if (!failure) return undefined;
    if ('status' in failure) return { status: failure.status, body: `upstream error ${failure.status}` };
    if (failure.error === 'ratelimited' && 'retryAfterS' in failure) {
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(failure.retryAfterS) } };
    }
    return err(failure.error);
  };

  const handle = (req: FakeRequest, params: Record<string, unknown>, method: string): FakeResponse & { authorized: boolean } => {
    // Slack takes the token from the Authorization header, or (form posts only) a `token` field.
    const given = authorizationToken(req.headers, ['bearer']) ?? (typeof params['token'] === 'string' ? params['token'] : undefined);
    delete params['token'];
    if (!(method in methods)) return { status: 404, body: { ok: false, error: 'unknown_method', req_method: method }, authorized: given === token };
    if (given === undefined || given === '') return { ...err('not_authed'), authorized: false };
    if (given !== token) return { ...err('invalid_auth'), authorized: false };
    const failure = injected(method);
    if (failure) return { ...failure, authorized: true };
    if (RATE_LIMITED_METHODS.has(method) && typeof params['channel'] === 'string') {
      const id = resolveChannel(params['channel']) ?? params['channel'];
      const wait = takeToken(id);
      if (wait !== undefined) return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(wait) }, authorized: true };
    }
    return { ...methods[method]!(params), authorized: true };
  };

  /** The path as recorded: its last segment is the webhook's secret. */
  const redactWebhookPath = (path: string): string => path.replace(/\/[^/?]*(\?.*)?$/, '/<redacted>');

  /** A webhook answer: plain text, the code is the whole body (Slack's incoming-webhook style). */
  const plain = (status: number, code: string, headers?: Record<string, string>): FakeResponse => ({ status, body: code, ...(headers ? { headers } : {}) });

  /** The JSON payload of a webhook post: a JSON body, or a form with a `payload` field (both accepted by Slack). */
  const webhookPayload = (req: FakeRequest): Record<string, unknown> | undefined => {
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let json: string | undefined;
    if (contentType.startsWith('application/json')) json = req.rawBody;
    else if (contentType.startsWith('application/x-www-form-urlencoded')) json = parseForm(req.rawBody)['payload'];
    if (json === undefined) return undefined;
    try {
      const parsed = JSON.parse(json) as unknown;
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };

  const postToWebhook = (channel: string, params: Record<string, unknown>): FakeResponse => {
    const behaviour = behaviours.get(channel) ?? 'ok';
    if (behaviour === 'channel_not_found') return plain(404, 'channel_not_found');
    if (behaviour === 'is_archived') return plain(410, 'channel_is_archived');
    // `not_in_channel` does not apply: the webhook was installed into its channel and posts there
    // without a bot membership. `channel`, `username` and `icon_*` overrides are ignored, as Slack
    // ignores them for app webhooks: the message always lands in the install-time channel.
    const { attachments, ...rest } = params;
    const withoutEmpty = Array.isArray(attachments) && attachments.length === 0 ? rest : params;
    const body = content(withoutEmpty);
    if (isResponse(body)) {
      const code = (body.body as { error?: unknown }).error;
      return plain(400, typeof code === 'string' ? code : 'invalid_payload');
    }
    // Slack documents `thread_ts` for incoming webhooks (api.slack.com/messaging/webhooks#threads):
    // a reply lands in the thread. The poster cannot learn a ts from a webhook (the answer is `ok`),
    // so only a ts learnt elsewhere can be used. An unknown thread follows `unknownThreadTs`; the
    // `thread_not_found` answer for it is this fake's strictness, not a Slack webhook code.
    const threadTs = replyTo(channel, params['thread_ts']);
    if (threadTs === THREAD_NOT_FOUND) return plain(404, 'thread_not_found');
    const ts = nextTs();
    channelMessages(channel).set(ts, {
      channel,
      ts,
      user: WEBHOOK_POSTER.userId,
      botId: WEBHOOK_POSTER.botId,
      ...body,
      edits: [],
      replyCount: 0,
      viaWebhook: true,
      ...(threadTs ? { threadTs } : {}),
    });
    return plain(200, 'ok');
  };

  /** `POST /services/…`: an incoming webhook. */
  const webhookRoute = (req: FakeRequest): FakeResponse => {
    const pathname = req.path.split('?')[0]!;
    const target = webhooks.get(pathname);
    const channel = target === undefined ? undefined : (resolveChannel(target) ?? target);
    let params: Record<string, unknown> = {};
    let answer: FakeResponse;
    if (channel === undefined) {
      // Right team and webhook id with the wrong secret is a bad token; anything else is no webhook at all.
      const prefix = pathname.slice(0, pathname.lastIndexOf('/') + 1);
      const knownHook = prefix.split('/').length === 5 && [...webhooks.keys()].some((p) => p.startsWith(prefix));
      answer = knownHook ? plain(403, 'invalid_token') : plain(404, 'no_service');
    } else if (req.httpMethod !== 'POST') {
      answer = plain(405, 'invalid_method');
    } else {
      const failure = webhookFailures.get(pathname)?.shift();
      const payload = webhookPayload(req);
      if (payload) params = payload;
      const wait = failure ? undefined : takeToken(channel);
      if (failure) {
        if (failure.status === 429) answer = plain(429, 'rate_limited', { 'retry-after': String(failure.retryAfterS) });
        else if ('error' in failure) answer = plain(failure.status, failure.error);
        else answer = plain(failure.status, `upstream error ${failure.status}`);
      } else if (wait !== undefined) answer = plain(429, 'rate_limited', { 'retry-after': String(wait) });
      else if (!payload) answer = plain(400, 'invalid_payload');
      else answer = postToWebhook(channel, payload);
    }
    calls.push(
      recordCall(req, answer, { method: WEBHOOK_METHOD, params, authorized: channel !== undefined, at: now(), path: redactWebhookPath(req.path) }),
    );
    return answer;
  };

  /**
   * `GET /` and `GET /channels/<ref>`: what would be posted, as a page for a human. Outside `/api/`
   * and `/services/`, so it cannot shadow a Web API method or a webhook.
   */
  const pageRoute = (req: FakeRequest): FakeResponse | undefined => {
    if (req.httpMethod !== 'GET' && req.httpMethod !== 'HEAD') return undefined;
    const { segments, query } = splitPath(req.path);
    const isIndex = segments.length === 0;
    if (!isIndex && !(segments.length === 2 && segments[0] === 'channels')) return undefined;
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // Defence in depth: message content is escaped, and the page needs nothing but its inline CSS.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    };
    const refresh = Number(query.get('refresh'));
    const refreshSeconds = Number.isInteger(refresh) && refresh > 0 ? { refreshSeconds: refresh } : {};
    const channelHref = (c: string): string => `/channels/${encodeURIComponent(c)}${refreshSeconds.refreshSeconds ? `?refresh=${refresh}` : ''}`;
    if (isIndex) return { status: 200, body: renderSlackHtml(fake, { channelHref, ...refreshSeconds }), headers };
    let ref: string;
    try {
      ref = decodeURIComponent(segments[1]!);
    } catch {
      return { status: 400, body: 'bad channel', headers: { 'content-type': 'text/plain; charset=utf-8' } };
    }
    const channel = resolveChannel(ref);
    if (channel === undefined) return { status: 404, body: 'channel_not_found' };
    return { status: 200, body: renderSlackHtml(fake, { channels: [channel], channelHref, ...refreshSeconds }), headers };
  };

  const server = await startHttpFake((req) => {
    if (req.path.startsWith('/services/')) return webhookRoute(req);
    const page = pageRoute(req);
    if (page) return page;
    const { segments, query } = splitPath(req.path);
    const method = segments[0] === 'api' && segments.length === 2 ? segments[1]! : segments.join('/');
    const contentType = (req.headers['content-type'] ?? '').toLowerCase();
    let params: Record<string, unknown> = {};
    let parseError: string | undefined;
    let warning: string | undefined;
    if (contentType.startsWith('application/json')) {
      try {
        const parsed = JSON.parse(req.rawBody) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
        else parseError = 'invalid_json';
      } catch {
        parseError = 'invalid_json';
      }
      if (!contentType.includes('charset')) warning = 'missing_charset';
      // JSON bodies must carry the token in the header; Slack ignores a `token` field there.
      delete params['token'];
    } else if (req.rawBody !== '' && !contentType.startsWith('application/x-www-form-urlencoded')) {
      parseError = 'invalid_form_data';
    } else {
      params = { ...Object.fromEntries(query), ...parseForm(req.rawBody) };
    }
    const answer: FakeResponse & { authorized: boolean } = parseError
      ? { ...err(parseError), authorized: false }
      : handle(req, params, method);
    if (warning && typeof answer.body === 'object' && answer.body !== null && answer.status === 200) {
      answer.body = { ...answer.body, warning, response_metadata: { warnings: [warning] } };
    }
    const responseHeaders = { 'x-oauth-scopes': 'chat:write,chat:write.public,channels:read', ...answer.headers };
    calls.push(
      recordCall(req, { status: answer.status, body: answer.body, headers: responseHeaders }, {
        method,
        params,
        authorized: answer.authorized,
        at: now(),
        path: req.path.replace(/([?&])token=[^&]*/, '$1token=<redacted>'),
        rawBody: req.rawBody.replace(/(^|&)token=[^&]*/, '$1token=<redacted>'),
      }),
    );
    return { status: answer.status, body: answer.body, headers: responseHeaders };
  });

  const ordered = (list: Iterable<FakeSlackMessage>): FakeSlackMessage[] => [...list].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));

  const fake: FakeSlack = {
    url: `${server.origin}/api/`,
    webhookUrl: (path) => `${server.origin}${path}`,
    pageUrl: `${server.origin}/`,
    channelPageUrl: (channel) => `${server.origin}/channels/${encodeURIComponent(channel)}`,
    channelName: (channel) => known?.find((c) => c.id === channel)?.name,
    token,
    bot,
    calls,
    messages,
    ephemerals,
    roots: (channel) => ordered([...(messages.get(channel)?.values() ?? [])].filter((m) => m.threadTs === undefined)),
    replies: (channel, threadTs) => ordered([...(messages.get(channel)?.values() ?? [])].filter((m) => m.threadTs === threadTs)),
    callsOf: (method) => calls.filter((c) => c.method === method),
    setChannelBehaviour: (channel, behaviour) => void behaviours.set(resolveChannel(channel) ?? channel, behaviour),
    failNext: (method, failure) => {
      const queue = failures.get(method) ?? [];
      queue.push(failure);
      failures.set(method, queue);
    },
    failNextWebhook: (path, failure) => {
      const queue = webhookFailures.get(path) ?? [];
      queue.push(failure);
      webhookFailures.set(path, queue);
    },
    failFor: (ms, failure) => {
      const list = Array.isArray(failure) ? [...(failure as readonly SlackInjectedFailure[])] : [failure as SlackInjectedFailure];
      if (list.length === 0) throw new Error('failFor needs at least one failure');
      outage = { until: now() + ms, failures: list, next: 0 };
      return outage.until;
    },
    postAsUser: (channel, user, text, threadTs) => {
      const ts = nextTs();
      const message: FakeSlackMessage = { channel, ts, user, text, edits: [], replyCount: 0, ...(threadTs ? { threadTs } : {}) };
      channelMessages(channel).set(ts, message);
      if (threadTs) {
        const root = messages.get(channel)?.get(threadTs);
        if (root) root.replyCount += 1;
      }
      return message;
    },
    close: () => server.close(),
  };
  return fake;
}
