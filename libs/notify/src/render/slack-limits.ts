import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';

/**
 * What Slack enforces on a message (https://docs.slack.dev/reference/block-kit/blocks). A message
 * over any of these is refused with `invalid_blocks`, which would stall a release thread, so every
 * message is built through `MessageBuilder`, which truncates instead.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  /** `text` may be 40,000 characters, but Slack cuts the display at 4,000: longer is wasted. */
  fallbackText: 4000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  /** Per context text element; Slack documents no lower bound than a section's. */
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** A message as `chat.postMessage` / `chat.update` take it. */
export interface SlackMessage {
  /** Notification and accessibility fallback. */
  text: string;
  blocks: KnownBlock[];
}

/** Cuts `text` to at most `max` characters, ending with `…` when cut, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/**
 * Joins whole lines while they fit in `max` characters; when some do not, ends with `more(n)` for
 * the n lines left out. Lists are cut between items, never through a link or a code span.
 */
export function fitLines(lines: readonly string[], max: number, more: (left: number) => string): string {
  const kept: string[] = [];
  let length = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = truncate(lines[i] as string, max);
    const left = lines.length - i - 1;
    const tail = left > 0 ? more(left).length + 1 : 0;
    const added = (kept.length > 0 ? 1 : 0) + line.length;
    if (length + added + tail > max) {
      const suffix = more(lines.length - i);
      return kept.length > 0 ? `${kept.join('\n')}\n${suffix}` : truncate(suffix, max);
    }
    kept.push(line);
    length += added;
  }
  return kept.join('\n');
}

/** Escapes the three characters Slack's mrkdwn treats as control: keeps event text from forming links or `<!channel>`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code for untrusted text: escaped, and with backticks swapped so the span cannot be closed early. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'").replace(/\s+/g, ' '))}\``;
}

/** A `<url|label>` link; `undefined` when the URL is not http(s) or could break out of the link syntax. */
export function link(url: string, label: string): string | undefined {
  if (!/^https?:\/\/[^\s<>|]+$/.test(url)) return undefined;
  return `<${url.replace(/&/g, '&amp;')}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/** A button as the builder takes it; text and ids are cut to Slack's limits. */
export interface ButtonSpec {
  text: string;
  actionId: string;
  /** Dropped with the button when longer than 2000 characters: a cut value would not parse. */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/**
 * Builds one Block Kit message within `SLACK_LIMITS`: every text is cut to its limit, sections take
 * at most 10 fields, actions at most 25 buttons, and blocks past the 49th are replaced by one
 * context line saying how many were left out.
 */
export class MessageBuilder {
  private readonly blocks: KnownBlock[] = [];

  header(text: string): this {
    const block: HeaderBlock = { type: 'header', text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: true } };
    this.blocks.push(block);
    return this;
  }

  /** A mrkdwn section; `text` should already be escaped where it holds event text. */
  section(text: string, options: { fields?: readonly string[]; blockId?: string } = {}): this {
    const block: SectionBlock = { type: 'section', text: { type: 'mrkdwn', text: truncate(text || ' ', SLACK_LIMITS.sectionText) } };
    if (options.blockId) block.block_id = truncate(options.blockId, SLACK_LIMITS.blockId);
    const fields = options.fields ?? [];
    if (fields.length > 0) {
      const shown = fields.length > SLACK_LIMITS.fields ? [...fields.slice(0, SLACK_LIMITS.fields - 1), `… and ${fields.length - (SLACK_LIMITS.fields - 1)} more`] : fields;
      block.fields = shown.map((f) => ({ type: 'mrkdwn', text: truncate(f || ' ', SLACK_LIMITS.fieldText) }));
    }
    this.blocks.push(block);
    return this;
  }

  context(texts: readonly string[]): this {
    const parts = texts.filter((t) => t.length > 0);
    if (parts.length === 0) return this;
    const shown = parts.length > SLACK_LIMITS.contextElements ? [...parts.slice(0, SLACK_LIMITS.contextElements - 1), `… and ${parts.length - (SLACK_LIMITS.contextElements - 1)} more`] : parts;
    const block: ContextBlock = { type: 'context', elements: shown.map((t) => ({ type: 'mrkdwn', text: truncate(t, SLACK_LIMITS.contextText) })) };
    this.blocks.push(block);
    return this;
  }

  divider(): this {
    this.blocks.push({ type: 'divider' });
    return this;
  }

  actions(buttons: readonly ButtonSpec[], blockId?: string): this {
    // Slack refuses a block whose action ids repeat: a repeated one is qualified (`finding.triage:2`, see `actionOf`).
    const seen = new Map<string, number>();
    const elements = buttons
      .filter((b) => b.value.length <= SLACK_LIMITS.buttonValue)
      .slice(0, SLACK_LIMITS.actionsElements)
      .map((b) => {
        const n = (seen.get(b.actionId) ?? 0) + 1;
        seen.set(b.actionId, n);
        return toButton(n === 1 ? b : { ...b, actionId: `${b.actionId}:${n}` });
      });
    if (elements.length === 0) return this;
    const block: ActionsBlock = { type: 'actions', elements };
    if (blockId) block.block_id = truncate(blockId, SLACK_LIMITS.blockId);
    this.blocks.push(block);
    return this;
  }

  /** The message; `text` is the notification fallback (plain words, cut to what Slack displays). */
  build(text: string): SlackMessage {
    let blocks = this.blocks;
    if (blocks.length > SLACK_LIMITS.blocks) {
      const left = blocks.length - (SLACK_LIMITS.blocks - 1);
      const note: ContextBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: `… ${left} more not shown` }] };
      blocks = [...blocks.slice(0, SLACK_LIMITS.blocks - 1), note];
    }
    return { text: truncate(text, SLACK_LIMITS.fallbackText), blocks: [...blocks] };
  }
}

function toButton(spec: ButtonSpec): Button {
  const button: Button = {
    type: 'button',
    text: { type: 'plain_text', text: truncate(spec.text, SLACK_LIMITS.buttonText), emoji: true },
    action_id: truncate(spec.actionId, SLACK_LIMITS.actionId),
    value: spec.value,
  };
  if (spec.style) button.style = spec.style;
  if (spec.confirm) {
    button.confirm = {
      title: { type: 'plain_text', text: truncate(spec.confirm.title, SLACK_LIMITS.confirmTitle) },
      text: { type: 'plain_text', text: truncate(spec.confirm.text, SLACK_LIMITS.confirmText) },
      confirm: { type: 'plain_text', text: truncate(spec.confirm.confirm, SLACK_LIMITS.confirmButton) },
      deny: { type: 'plain_text', text: truncate(spec.confirm.deny, SLACK_LIMITS.confirmButton) },
      ...(spec.style === 'danger' ? { style: 'danger' as const } : {}),
    };
  }
  return button;
}
