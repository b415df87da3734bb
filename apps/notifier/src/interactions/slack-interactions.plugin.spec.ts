import { FastifyAdapter } from '@nestjs/platform-fastify';
import { OperatorCommands, type ReleaseApproveCommand } from '@portcullis/contracts';
import { PublishError } from '@portcullis/messaging';
import { type FastifyInstance } from '@portcullis/service-kit';
import { interactionPayload, type InteractionInput, signedInteraction, signSlackRequest, type SlackSignatureHeaders } from '@portcullis/testing/saas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OperatorCommand } from './interaction-command.js';
import { type SlackAccessRule } from './slack-access.policy.js';
import { type CommandPublisher, type EphemeralReply, SLACK_INTERACTIONS_PATH, slackInteractionsPlugin, type SlackInteractionsOptions } from './slack-interactions.plugin.js';

const secret = 'slack-signing-secret-0123456789abcdef';
const sha = 'a'.repeat(40);
const releaseId = `github/acme/shop@${sha}`;
const fingerprint = 'f'.repeat(64);
const now = new Date('2026-06-01T12:00:00Z');
const nowS = Math.floor(now.getTime() / 1000);

const access: SlackAccessRule[] = [
  { users: ['U123'], repositories: ['github/acme/*'], environments: ['staging', 'production'], actions: ['release.approve', 'release.rollback', 'finding.triage'] },
  { users: ['U456'], repositories: ['github/acme/shop'], environments: ['staging'], actions: ['release.approve'] },
];

interface Published {
  topic: string;
  body: OperatorCommand;
  options: { id: string; releaseId?: string };
}

class RecordingPublisher implements CommandPublisher {
  readonly published: Published[] = [];
  failWith: Error | undefined;
  publish(topic: typeof OperatorCommands, body: OperatorCommand, options: { id: string; releaseId?: string }): Promise<{ id: string }> {
    if (this.failWith) return Promise.reject(this.failWith);
    this.published.push({ topic: topic.name, body, options });
    return Promise.resolve({ id: options.id });
  }
}

function click(overrides: Partial<InteractionInput> = {}): InteractionInput {
  return {
    user: { id: 'U123', username: 'ada', name: 'Ada Lovelace' },
    channel: 'C0RELEASES',
    messageTs: '1780000000.000100',
    triggerId: '1780000001.42.abcdef',
    actions: [{ actionId: 'release.approve', value: JSON.stringify({ releaseId, environment: 'production' }) }],
    ...overrides,
  };
}

type Log = { level: string; obj: object; msg: string };

/** The plugin on a Fastify instance as the service mounts it, logging into `logs`. */
async function startPlugin(publisher: CommandPublisher, logs: Log[], options: Partial<SlackInteractionsOptions>): Promise<FastifyInstance> {
  // Nest's adapter is how the service mounts plugins; `fastify` itself is only a transitive dependency.
  const sut = new FastifyAdapter().getInstance();
  await sut.register(
    slackInteractionsPlugin({
      signingSecret: secret,
      access,
      publisher,
      clock: () => now,
      logger: {
        info: (obj, msg) => logs.push({ level: 'info', obj, msg }),
        warn: (obj, msg) => logs.push({ level: 'warn', obj, msg }),
        error: (obj, msg) => logs.push({ level: 'error', obj, msg }),
      },
      ...options,
    }),
  );
  await sut.ready();
  return sut;
}

describe('POST /v1/slack/interactions', () => {
  let publisher: RecordingPublisher;
  let logs: Log[];
  let responded: { url: string; reply: EphemeralReply }[];
  let sut: FastifyInstance;

  beforeEach(async () => {
    publisher = new RecordingPublisher();
    logs = [];
    responded = [];
    sut = await startPlugin(publisher, logs, {
      respond: (url, reply) => {
        responded.push({ url, reply });
        return Promise.resolve();
      },
      retryAfterSeconds: 3,
    });
  });

  afterEach(async () => {
    await sut.close();
  });

  const post = (signed: { body: string; headers: Partial<SlackSignatureHeaders> & { 'content-type': string } }) =>
    sut.inject({ method: 'POST', url: SLACK_INTERACTIONS_PATH, headers: { ...signed.headers }, payload: signed.body });

  it('publishes an approval from an allowed user with the Slack actor and acknowledges it', async () => {
    const res = await post(signedInteraction(secret, click(), nowS));

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response_type: 'ephemeral', replace_original: false, text: 'Approval of github/acme/shop@aaaaaaa for production sent by Ada Lovelace.' });
    expect(publisher.published).toHaveLength(1);
    const [sent] = publisher.published;
    expect(sent!.topic).toBe('operator.commands');
    expect(sent!.body).toEqual({
      kind: 'release.approve',
      requestId: 'slack:1780000001.42.abcdef',
      actor: { source: 'slack', id: 'U123', name: 'Ada Lovelace' },
      repository: { provider: 'github', owner: 'acme', name: 'shop' },
      releaseId,
      environment: 'production',
    } satisfies ReleaseApproveCommand);
    expect(sent!.options).toEqual({ id: 'release.approve:slack:1780000001.42.abcdef', releaseId });
    expect(OperatorCommands.schema.safeParse(sent!.body).success).toBe(true);
  });

  it('delivers the acknowledgement to the response_url as well', async () => {
    await post(signedInteraction(secret, click({ responseUrl: 'https://hooks.slack.com/actions/T1/1/abc' }), nowS));

    expect(responded).toEqual([{ url: 'https://hooks.slack.com/actions/T1/1/abc', reply: expect.objectContaining({ text: expect.stringContaining('Approval of') }) as unknown }]);
  });

  it('never follows a response_url outside Slack', async () => {
    const res = await post(signedInteraction(secret, click({ responseUrl: 'https://evil.example/hook' }), nowS));

    expect(res.statusCode).toBe(200);
    expect(responded).toEqual([]);
  });

  it('publishes the same command id when Slack delivers the same click twice', async () => {
    const signed = signedInteraction(secret, click(), nowS);
    await post(signed);
    await post(signed);

    expect(publisher.published).toHaveLength(2);
    expect(publisher.published[0]!.options.id).toBe(publisher.published[1]!.options.id);
    expect(publisher.published[0]!.body.requestId).toBe(publisher.published[1]!.body.requestId);
  });

  it('gives two different clicks two different command ids', async () => {
    await post(signedInteraction(secret, click({ triggerId: '1780000001.42.aaaa' }), nowS));
    await post(signedInteraction(secret, click({ triggerId: '1780000002.42.bbbb' }), nowS));

    expect(new Set(publisher.published.map((p) => p.options.id)).size).toBe(2);
  });

  it('refuses a body signed with another secret with 401 and publishes nothing', async () => {
    const res = await post(signedInteraction('another-secret', click(), nowS));

    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(publisher.published).toEqual([]);
  });

  it('refuses a body changed after signing', async () => {
    const signed = signedInteraction(secret, click(), nowS);
    const tampered = interactionPayload(click({ actions: [{ actionId: 'release.approve', value: JSON.stringify({ releaseId: `github/acme/bank@${sha}`, environment: 'production' }) }] }));

    const res = await post({ headers: signed.headers, body: tampered.body });

    expect(res.statusCode).toBe(401);
    expect(publisher.published).toEqual([]);
  });

  it('refuses a request without signature headers', async () => {
    const { body, contentType } = interactionPayload(click());

    const res = await post({ headers: { 'content-type': contentType }, body });

    expect(res.statusCode).toBe(401);
    expect(publisher.published).toEqual([]);
  });

  it.each([
    ['six minutes old', nowS - 301],
    ['six minutes in the future', nowS + 301],
  ])('refuses a correctly signed request %s (replay window)', async (_label, timestampS) => {
    const res = await post(signedInteraction(secret, click(), timestampS));

    expect(res.statusCode).toBe(401);
    expect(publisher.published).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', obj: { reason: 'STALE_TIMESTAMP' } }));
  });

  it('accepts a request signed just inside the replay window', async () => {
    const res = await post(signedInteraction(secret, click(), nowS - 299));

    expect(res.statusCode).toBe(200);
    expect(publisher.published).toHaveLength(1);
  });

  it('answers an unknown action with an ephemeral reply and publishes nothing', async () => {
    const res = await post(signedInteraction(secret, click({ actions: [{ actionId: 'release.delete', value: '{}' }] }), nowS));

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ response_type: 'ephemeral', replace_original: false, text: 'Portcullis does not know the action `release.delete`; nothing was done.' });
    expect(publisher.published).toEqual([]);
  });

  it.each([
    ['not JSON', 'approve-please'],
    ['an unknown field', JSON.stringify({ releaseId, environment: 'production', force: true })],
    ['a release id without a full sha', JSON.stringify({ releaseId: 'github/acme/shop@abc', environment: 'production' })],
  ])('answers a release button whose value is %s with an ephemeral reply', async (_label, value) => {
    const res = await post(signedInteraction(secret, click({ actions: [{ actionId: 'release.approve', value }] }), nowS));

    expect(res.statusCode).toBe(200);
    expect(res.json<EphemeralReply>().text).toBe('This button does not name a release and environment Portcullis knows; nothing was done.');
    expect(publisher.published).toEqual([]);
  });

  it('tells a user who may not act on that environment, and publishes nothing', async () => {
    const res = await post(signedInteraction(secret, click({ user: { id: 'U456', name: 'Grace' } }), nowS));

    expect(res.statusCode).toBe(200);
    expect(res.json<EphemeralReply>()).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'You are not allowed to approve releases of github/acme/shop in production; nothing was done.',
    });
    expect(publisher.published).toEqual([]);
  });

  it('refuses an action the rule does not list for the user', async () => {
    const res = await post(signedInteraction(secret, click({ actions: [{ actionId: 'release.promote', value: JSON.stringify({ releaseId, environment: 'staging' }) }] }), nowS));

    expect(res.json<EphemeralReply>().text).toBe('You are not allowed to promote releases of github/acme/shop in staging; nothing was done.');
    expect(publisher.published).toEqual([]);
  });

  it('publishes a rollback with the fixed reason, or the reason the user typed', async () => {
    const value = JSON.stringify({ releaseId, environment: 'staging' });
    await post(signedInteraction(secret, click({ triggerId: '1.1.a', actions: [{ actionId: 'release.rollback', value }] }), nowS));
    const typed = interactionPayload(click({ triggerId: '1.1.b', actions: [{ actionId: 'release.rollback', value }] }));
    typed.payload['state'] = { values: { rollback: { 'release.rollback.reason': { type: 'plain_text_input', value: ' error rate doubled ' } } } };
    const body = new URLSearchParams({ payload: JSON.stringify(typed.payload) }).toString();
    await post({ body, headers: { ...signSlackRequest(secret, body, nowS), 'content-type': typed.contentType } });

    expect(publisher.published.map((p) => p.body)).toEqual([
      expect.objectContaining({ kind: 'release.rollback', environment: 'staging', reason: 'rolled back from Slack by Ada Lovelace' }),
      expect.objectContaining({ kind: 'release.rollback', environment: 'staging', reason: 'error rate doubled' }),
    ]);
  });

  it('publishes a finding triage for an allowed user', async () => {
    const value = JSON.stringify({ fingerprint, repository: 'github/acme/shop', state: 'false_positive', releaseId });

    const res = await post(signedInteraction(secret, click({ actions: [{ actionId: 'finding.triage', value }] }), nowS));

    expect(res.json<EphemeralReply>().text).toBe('Finding `ffffffffffff` in github/acme/shop marked a false positive by Ada Lovelace.');
    expect(publisher.published.map((p) => p.body)).toEqual([
      {
        kind: 'finding.triage',
        requestId: 'slack:1780000001.42.abcdef',
        actor: { source: 'slack', id: 'U123', name: 'Ada Lovelace' },
        repository: { provider: 'github', owner: 'acme', name: 'shop' },
        fingerprint,
        state: 'false_positive',
        reason: 'marked a false positive from Slack by Ada Lovelace',
        releaseId,
      },
    ]);
  });

  it('refuses a vulnerability acceptance the user is not allowed, and one whose date has passed', async () => {
    const future = JSON.stringify({ vulnerabilityId: 'CVE-2024-3094', repository: 'github/acme/shop', until: '2026-09-01T00:00:00Z' });
    const past = JSON.stringify({ vulnerabilityId: 'CVE-2024-3094', repository: 'github/acme/shop', until: '2026-05-01T00:00:00Z' });

    const denied = await post(signedInteraction(secret, click({ actions: [{ actionId: 'vulnerability.accept', value: future }] }), nowS));
    const lapsed = await post(signedInteraction(secret, click({ actions: [{ actionId: 'vulnerability.accept', value: past }] }), nowS));

    expect(denied.json<EphemeralReply>().text).toBe('You are not allowed to accept vulnerabilities in github/acme/shop; nothing was done.');
    expect(lapsed.json<EphemeralReply>().text).toContain('has passed');
    expect(publisher.published).toEqual([]);
  });

  it('answers a signed body without a JSON payload with 400 and publishes nothing', async () => {
    const body = 'payload=%7Bnot-json';

    const res = await post({ body, headers: { ...signSlackRequest(secret, body, nowS), 'content-type': 'application/x-www-form-urlencoded' } });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_PAYLOAD' });
    expect(publisher.published).toEqual([]);
  });

  it('answers a block_actions payload without actions with 400 naming the problem', async () => {
    const { payload } = interactionPayload(click());
    const body = new URLSearchParams({ payload: JSON.stringify({ ...payload, actions: [] }) }).toString();

    const res = await post({ body, headers: { ...signSlackRequest(secret, body, nowS), 'content-type': 'application/x-www-form-urlencoded' } });

    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'INVALID_PAYLOAD', issues: [expect.objectContaining({ path: 'actions' })] });
    expect(publisher.published).toEqual([]);
  });

  it('answers other interaction types with an ephemeral reply', async () => {
    const body = new URLSearchParams({ payload: JSON.stringify({ type: 'message_action', user: { id: 'U123' } }) }).toString();

    const res = await post({ body, headers: { ...signSlackRequest(secret, body, nowS), 'content-type': 'application/x-www-form-urlencoded' } });

    expect(res.statusCode).toBe(200);
    expect(res.json<EphemeralReply>().text).toContain('`message_action`');
    expect(publisher.published).toEqual([]);
  });

  it('refuses a body above the limit with 413', async () => {
    const body = `payload=${'x'.repeat(65 * 1024)}`;

    const res = await post({ body, headers: { ...signSlackRequest(secret, body, nowS), 'content-type': 'application/x-www-form-urlencoded' } });

    expect(res.statusCode).toBe(413);
    expect(publisher.published).toEqual([]);
  });

  it('refuses JSON bodies with 415', async () => {
    const body = JSON.stringify(interactionPayload(click()).payload);

    const res = await post({ body, headers: { ...signSlackRequest(secret, body, nowS), 'content-type': 'application/json' } });

    expect(res.statusCode).toBe(415);
    expect(publisher.published).toEqual([]);
  });

  it('answers 503 with Retry-After when Kafka does not take the command, logging no body', async () => {
    publisher.failWith = new PublishError({ code: 'PUBLISH_TIMEOUT', message: 'broker did not answer', disposition: 'retry' });

    const res = await post(signedInteraction(secret, click(), nowS));

    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('3');
    const failure = logs.find((l) => l.level === 'error');
    expect(failure?.obj).toMatchObject({ kind: 'release.approve', requestId: 'slack:1780000001.42.abcdef' });
    expect(JSON.stringify(failure?.obj)).not.toContain('Ada Lovelace');
  });
});

describe('POST /v1/slack/interactions with a release lookup', () => {
  let publisher: RecordingPublisher;
  let logs: Log[];
  let asked: string[];
  let known: Set<string>;
  let lookupFails: boolean;
  let sut: FastifyInstance;

  beforeEach(async () => {
    publisher = new RecordingPublisher();
    logs = [];
    asked = [];
    known = new Set([releaseId]);
    lookupFails = false;
    sut = await startPlugin(publisher, logs, {
      releases: {
        isKnown: (id) => {
          asked.push(id);
          return lookupFails ? Promise.reject(new Error('redis down')) : Promise.resolve(known.has(id));
        },
      },
    });
  });

  afterEach(async () => {
    await sut.close();
  });

  const post = (input: InteractionInput) => {
    const signed = signedInteraction(secret, input, nowS);
    return sut.inject({ method: 'POST', url: SLACK_INTERACTIONS_PATH, headers: { ...signed.headers }, payload: signed.body });
  };
  const other = `github/acme/shop@${'b'.repeat(40)}`;

  it.each(['release.approve', 'release.rollback'])('answers %s for a release it does not know with an ephemeral reply and publishes nothing', async (actionId) => {
    const res = await post(click({ actions: [{ actionId, value: JSON.stringify({ releaseId: other, environment: 'production' }) }] }));

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Portcullis has no release github/acme/shop@bbbbbbb (never seen, or older than its thread TTL); nothing was done.',
    });
    expect(asked).toEqual([other]);
    expect(publisher.published).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'info', obj: expect.objectContaining({ code: 'UNKNOWN_RELEASE', releaseId: other }) as unknown }));
  });

  it('publishes a release button for a release it knows', async () => {
    const res = await post(click());

    expect(res.json<EphemeralReply>().text).toBe('Approval of github/acme/shop@aaaaaaa for production sent by Ada Lovelace.');
    expect(publisher.published.map((p) => p.body.kind)).toEqual(['release.approve']);
  });

  it('asks about the release only once the user is allowed, so a refused user learns nothing about it', async () => {
    const res = await post(click({ user: { id: 'U999', name: 'Eve' }, actions: [{ actionId: 'release.approve', value: JSON.stringify({ releaseId: other, environment: 'production' }) }] }));

    expect(res.json<EphemeralReply>().text).toBe('You are not allowed to approve releases of github/acme/shop in production; nothing was done.');
    expect(asked).toEqual([]);
  });

  it('does not ask about the release of a triage click: the decision is repository-wide', async () => {
    const value = JSON.stringify({ fingerprint, repository: 'github/acme/shop', state: 'rotated', releaseId: other });

    await post(click({ actions: [{ actionId: 'finding.triage', value }] }));

    expect(asked).toEqual([]);
    expect(publisher.published.map((p) => p.body.kind)).toEqual(['finding.triage']);
  });

  it('publishes anyway when the lookup fails, so a rollback never waits for the thread store', async () => {
    lookupFails = true;

    const res = await post(click({ actions: [{ actionId: 'release.rollback', value: JSON.stringify({ releaseId: other, environment: 'production' }) }] }));

    expect(res.statusCode).toBe(200);
    expect(publisher.published.map((p) => p.body.kind)).toEqual(['release.rollback']);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'slack interaction release lookup failed; publishing anyway' }));
  });
});
