import {
  applyEvent,
  renderReplies,
  renderRoot,
  type ReleaseThread,
  type SlackMessage,
  type ThreadEvent,
} from '@portcullis/notify';
import {
  EXAMPLE_FINGERPRINT,
  EXAMPLE_RELEASE_ID,
  exampleAuditCompleted,
  exampleReleaseTransition,
  exampleScanCompleted,
  OperatorCommands,
} from '@portcullis/contracts';
import { interactionPayload } from '@portcullis/testing/saas';
import { describe, expect, it } from 'vitest';
import { commandForInteraction, releaseOfCommand, unknownReleaseReply } from './interaction-command.js';
import { BlockActionsPayload } from './slack-interaction.schemas.js';

const now = new Date('2025-01-20T12:00:00Z');
const actor = { source: 'slack', id: 'U123', name: 'Ada Lovelace' };

function thread(...events: ThreadEvent[]): ReleaseThread {
  let t: ReleaseThread | undefined;
  for (const e of events) t = applyEvent(t, e);
  if (!t) throw new Error('no thread');
  return t;
}

interface DrawnButton {
  action_id?: string;
  value?: string;
}

function buttons(message: SlackMessage): DrawnButton[] {
  return message.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.flatMap((e) => (e.type === 'button' ? [e] : [])) : []));
}

/** A click on `button` exactly as Slack would post it, read the way the endpoint reads it. */
function click(button: DrawnButton) {
  const { payload } = interactionPayload({
    user: { id: 'U123', name: 'Ada Lovelace' },
    channel: 'C0RELEASES',
    messageTs: '1737000000.000100',
    triggerId: '1737000001.42.abcdef',
    actions: [{ actionId: button.action_id!, value: button.value! }],
  });
  return BlockActionsPayload.parse(payload);
}

describe('commandForInteraction on the buttons the renderer draws', () => {
  it('turns "False positive" and "Rotated" into finding.triage commands for that fingerprint', () => {
    const t = thread({ id: 'a1', time: '2025-01-15T09:30:00.000Z', body: exampleAuditCompleted() });
    const drawn = buttons(renderReplies(undefined, t)[0]!);

    const commands = drawn.map((b) => commandForInteraction(click(b), now));

    expect(commands).toEqual([
      expect.objectContaining({
        outcome: 'command',
        command: {
          kind: 'finding.triage',
          requestId: 'slack:1737000001.42.abcdef',
          actor,
          repository: { provider: 'github', owner: 'acme', name: 'shop-api' },
          fingerprint: EXAMPLE_FINGERPRINT,
          state: 'false_positive',
          reason: 'marked a false positive from Slack by Ada Lovelace',
          releaseId: EXAMPLE_RELEASE_ID,
        },
        access: { userId: 'U123', action: 'finding.triage', repository: 'github/acme/shop-api' },
      }),
      expect.objectContaining({ outcome: 'command', command: expect.objectContaining({ kind: 'finding.triage', state: 'rotated' }) as unknown }),
    ]);
    for (const c of commands) expect(c.outcome === 'command' && OperatorCommands.schema.safeParse(c.command).success).toBe(true);
  });

  it('turns "Accept for 30 days" into a vulnerability.accept command until 30 days after the scan', () => {
    const t = thread({ id: 's1', time: '2025-01-15T09:30:00.000Z', body: exampleScanCompleted() });
    const [accept] = buttons(renderReplies(undefined, t)[0]!);

    const outcome = commandForInteraction(click(accept!), now);

    expect(outcome).toMatchObject({
      outcome: 'command',
      command: {
        kind: 'vulnerability.accept',
        actor,
        repository: { provider: 'github', owner: 'acme', name: 'shop-api' },
        vulnerabilityId: 'CVE-2024-3094',
        until: '2025-02-14T09:30:00.000Z',
        packageName: 'liblzma5',
        imageDigest: `sha256:${'4f'.repeat(32)}`,
        releaseId: EXAMPLE_RELEASE_ID,
      },
      access: { userId: 'U123', action: 'vulnerability.accept', repository: 'github/acme/shop-api' },
    });
    expect(outcome.outcome === 'command' && OperatorCommands.schema.safeParse(outcome.command).success).toBe(true);
  });

  it('refuses an accept button whose date has passed by the time it is clicked', () => {
    const t = thread({ id: 's1', time: '2025-01-15T09:30:00.000Z', body: exampleScanCompleted() });
    const [accept] = buttons(renderReplies(undefined, t)[0]!);

    expect(commandForInteraction(click(accept!), new Date('2025-03-01T00:00:00Z'))).toMatchObject({ outcome: 'reply', code: 'ACCEPTANCE_EXPIRED' });
  });

  it('turns the root message release buttons into release commands, which name their release', () => {
    const t = thread({ id: 'd1', time: '2025-01-15T09:30:00.000Z', body: exampleReleaseTransition({ to: 'waiting', reason: 'WaitingForApproval', waitingFor: ['approval'], blocking: undefined }) });
    const [approve] = buttons(renderRoot(t));

    const outcome = commandForInteraction(click(approve!), now);

    expect(outcome).toMatchObject({ outcome: 'command', command: { kind: 'release.approve', releaseId: EXAMPLE_RELEASE_ID, environment: 'production' } });
    expect(outcome.outcome === 'command' ? releaseOfCommand(outcome.command) : undefined).toBe(EXAMPLE_RELEASE_ID);
  });
});

describe('unknownReleaseReply', () => {
  it('names the release by its short id and says nothing was done', () => {
    expect(unknownReleaseReply(EXAMPLE_RELEASE_ID)).toEqual({
      outcome: 'reply',
      code: 'UNKNOWN_RELEASE',
      text: `Portcullis has no release github/acme/shop-api@${EXAMPLE_RELEASE_ID.split('@')[1]!.slice(0, 7)} (never seen, or older than its thread TTL); nothing was done.`,
    });
  });
});
