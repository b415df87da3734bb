import type { FakeSlack, FakeSlackEphemeral, FakeSlackMessage, SlackMessageVersion } from './fake-slack.js';
import { parseMrkdwn, type MrkdwnNode } from './slack-mrkdwn.js';

/** What the renderers read from the fake: a {@link FakeSlack} fits. */
export type SlackTranscriptSource = Pick<FakeSlack, 'messages' | 'ephemerals' | 'roots' | 'replies' | 'bot' | 'channelName'>;

export interface SlackRenderOptions {
  /** Channel ids to show, in this order. Default: every channel holding a message, in order of first post. */
  channels?: readonly string[];
}

export interface SlackTextOptions extends SlackRenderOptions {
  /** ANSI styles (bold headers and `*bold*`, italics, dim context). Default false: plain text. */
  color?: boolean;
}

export interface SlackHtmlOptions extends SlackRenderOptions {
  /** Page title. */
  title?: string;
  /** Where a channel in the sidebar links to; default an anchor on the same page (`#C0…`). */
  channelHref?: (channel: string) => string;
  /** Adds `<meta http-equiv="refresh">` so an open page follows a running pipeline without JavaScript. */
  refreshSeconds?: number;
}

/** One message as shown: a stored message or an ephemeral one. */
interface Entry {
  ts: string;
  author: string;
  /** Posted by an app (the bot or an incoming webhook): Slack shows an APP badge. */
  app: boolean;
  /** `via incoming webhook`, `only visible to @U…`. */
  note?: string;
  text?: string;
  blocks?: unknown[];
  edits: SlackMessageVersion[];
}

/** A root with its replies; `root` is absent for replies to a ts that is no root (`unknownThreadTs: 'accept'`). */
interface Thread {
  ts: string;
  root?: Entry;
  replies: Entry[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const byTs = <T extends { ts: string }>(a: T, b: T): number => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0);

function messageEntry(slack: SlackTranscriptSource, m: FakeSlackMessage): Entry {
  const author = m.viaWebhook ? 'incoming webhook' : m.botId === slack.bot.botId ? 'portcullis' : `@${m.user}`;
  return {
    ts: m.ts,
    author,
    app: m.botId !== undefined,
    ...(m.viaWebhook ? { note: 'via incoming webhook' } : {}),
    ...(m.text !== undefined ? { text: m.text } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
    edits: m.edits,
  };
}

function ephemeralEntry(e: FakeSlackEphemeral): Entry {
  return {
    ts: e.messageTs,
    author: 'portcullis',
    app: true,
    note: `only visible to @${e.user}`,
    ...(e.text !== undefined ? { text: e.text } : {}),
    ...(e.blocks ? { blocks: e.blocks } : {}),
    edits: [],
  };
}

function channelsOf(slack: SlackTranscriptSource, options: SlackRenderOptions): string[] {
  if (options.channels) return [...options.channels];
  const ids = [...slack.messages.keys()];
  for (const e of slack.ephemerals) if (!ids.includes(e.channel)) ids.push(e.channel);
  return ids;
}

/** A channel's threads, oldest first, ephemerals placed where their poster saw them. */
function threadsOf(slack: SlackTranscriptSource, channel: string): Thread[] {
  const threads = new Map<string, Thread>();
  for (const root of slack.roots(channel)) {
    threads.set(root.ts, { ts: root.ts, root: messageEntry(slack, root), replies: slack.replies(channel, root.ts).map((r) => messageEntry(slack, r)) });
  }
  for (const m of slack.messages.get(channel)?.values() ?? []) {
    if (m.threadTs === undefined || threads.get(m.threadTs)?.root) continue;
    // A reply whose root is not stored: only possible with `unknownThreadTs: 'accept'`.
    const orphan = threads.get(m.threadTs) ?? { ts: m.threadTs, replies: [] };
    orphan.replies.push(messageEntry(slack, m));
    threads.set(m.threadTs, orphan);
  }
  for (const e of slack.ephemerals.filter((x) => x.channel === channel)) {
    const thread = e.threadTs === undefined ? undefined : threads.get(e.threadTs);
    if (thread) thread.replies.push(ephemeralEntry(e));
    else threads.set(e.messageTs, { ts: e.messageTs, root: ephemeralEntry(e), replies: [] });
  }
  const list = [...threads.values()].sort(byTs);
  for (const t of list) t.replies.sort(byTs);
  return list;
}

function channelLabel(slack: SlackTranscriptSource, channel: string): string {
  const name = slack.channelName(channel);
  return name === undefined ? `#${channel}` : `#${name}`;
}

/** A Slack ts (`seconds.micros`) as a UTC date and time. */
function tsTime(ts: string): { date: string; time: string; iso: string } {
  const seconds = Number(ts);
  const iso = Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)).toISOString() : '';
  return { date: iso.slice(0, 10), time: iso.slice(11, 19), iso };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

// ---------------------------------------------------------------------------------------------
// Block Kit, read leniently: the fake already refused invalid blocks, but a renderer must never
// throw on what it is shown.

interface TextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}

function textObject(value: unknown): TextObject | undefined {
  if (!isObject(value) || typeof value['text'] !== 'string') return undefined;
  return { type: value['type'] === 'mrkdwn' ? 'mrkdwn' : 'plain_text', text: value['text'] };
}

interface ButtonView {
  label: string;
  style?: string;
  url?: string;
}

function elementView(el: unknown): ButtonView | undefined {
  if (!isObject(el)) return undefined;
  const label = textObject(el['text'])?.text ?? textObject(el['placeholder'])?.text ?? String(el['type'] ?? 'element');
  return {
    label: el['type'] === 'button' ? label : `${label} ▾`,
    ...(typeof el['style'] === 'string' ? { style: el['style'] } : {}),
    ...(typeof el['url'] === 'string' ? { url: el['url'] } : {}),
  };
}

/** Text of a rich_text block: its `text` leaves, links and mentions, in order. */
function richText(value: unknown): string {
  if (Array.isArray(value)) return value.map(richText).join('');
  if (!isObject(value)) return '';
  switch (value['type']) {
    case 'text':
      return typeof value['text'] === 'string' ? value['text'] : '';
    case 'link':
      return typeof value['text'] === 'string' ? `${value['text']} (${String(value['url'])})` : String(value['url']);
    case 'user':
      return `@${String(value['user_id'])}`;
    case 'channel':
      return `#${String(value['channel_id'])}`;
    case 'emoji':
      return `:${String(value['name'])}:`;
    case 'rich_text_list':
    case 'rich_text_section':
    case 'rich_text_preformatted':
    case 'rich_text_quote':
      return `${richText(value['elements'])}\n`;
    default:
      return richText(value['elements']);
  }
}

/** One block, read into a renderer-neutral shape. */
type BlockView =
  | { kind: 'header'; text: string }
  | { kind: 'section'; text?: TextObject; fields: TextObject[]; accessory?: ButtonView | { image: string } }
  | { kind: 'context'; elements: Array<TextObject | { image: string }> }
  | { kind: 'actions'; buttons: ButtonView[] }
  | { kind: 'divider' }
  | { kind: 'image'; alt: string; url?: string }
  /** A `markdown` block (standard Markdown) or rich_text: shown as its text. */
  | { kind: 'plain'; text: string }
  | { kind: 'unsupported'; type: string };

function blockView(block: unknown): BlockView {
  if (!isObject(block)) return { kind: 'unsupported', type: typeof block };
  switch (block['type']) {
    case 'header':
      return { kind: 'header', text: textObject(block['text'])?.text ?? '' };
    case 'section': {
      const text = textObject(block['text']);
      const fields = Array.isArray(block['fields']) ? block['fields'].map(textObject).filter((f) => f !== undefined) : [];
      const acc = block['accessory'];
      const accessory =
        isObject(acc) && acc['type'] === 'image' ? { image: String(acc['alt_text'] ?? 'image') } : acc === undefined ? undefined : elementView(acc);
      return { kind: 'section', ...(text ? { text } : {}), fields, ...(accessory ? { accessory } : {}) };
    }
    case 'context': {
      const elements = Array.isArray(block['elements']) ? block['elements'] : [];
      return {
        kind: 'context',
        elements: elements
          .map((el) => (isObject(el) && el['type'] === 'image' ? { image: String(el['alt_text'] ?? 'image') } : textObject(el)))
          .filter((el) => el !== undefined),
      };
    }
    case 'actions': {
      const elements = Array.isArray(block['elements']) ? block['elements'] : [];
      return { kind: 'actions', buttons: elements.map(elementView).filter((b) => b !== undefined) };
    }
    case 'divider':
      return { kind: 'divider' };
    case 'image':
      return { kind: 'image', alt: String(block['alt_text'] ?? 'image'), ...(typeof block['image_url'] === 'string' ? { url: block['image_url'] } : {}) };
    case 'markdown':
      return { kind: 'plain', text: typeof block['text'] === 'string' ? block['text'] : '' };
    case 'rich_text':
      return { kind: 'plain', text: richText(block['elements']).replace(/\n$/, '') };
    default:
      return { kind: 'unsupported', type: String(block['type']) };
  }
}

/** What Slack shows for a message: its blocks, or its `text` when it has none. */
function contentViews(content: { text?: string; blocks?: unknown[] }): BlockView[] {
  if (content.blocks && content.blocks.length > 0) return content.blocks.map(blockView);
  if (content.text === undefined || content.text === '') return [];
  return [{ kind: 'section', text: { type: 'mrkdwn', text: content.text }, fields: [] }];
}

// ---------------------------------------------------------------------------------------------
// Terminal transcript

const ANSI = {
  bold: ['\u001b[1m', '\u001b[22m'],
  dim: ['\u001b[2m', '\u001b[22m'],
  italic: ['\u001b[3m', '\u001b[23m'],
  strike: ['\u001b[9m', '\u001b[29m'],
} as const;

class TextWriter {
  constructor(private readonly color: boolean) {}

  style(kind: keyof typeof ANSI, text: string): string {
    return this.color && text !== '' ? `${ANSI[kind][0]}${text}${ANSI[kind][1]}` : text;
  }

  inline(nodes: MrkdwnNode[]): string {
    const parts = nodes.map((node): string => {
        switch (node.kind) {
          case 'text':
          case 'mention':
          case 'date':
            return node.text;
          case 'bold':
          case 'italic':
            return this.style(node.kind, this.inline(node.children));
          // Without colour a strike-through would vanish; its tildes keep the meaning.
          case 'strike':
            return this.color ? this.style('strike', this.inline(node.children)) : `~${this.inline(node.children)}~`;
          case 'code':
            return `\`${node.text}\``;
          case 'pre':
            return `\`\`\`\n${node.text}\n\`\`\``;
          case 'link':
            return node.label === undefined ? node.url : `${node.label} (${node.url})`;
        }
      });
    // A code block keeps its own lines, whether or not the poster put newlines around its fences.
    return parts.reduce((out, part, i) => {
      if (nodes[i]!.kind !== 'pre') return out + part;
      const before = out === '' || out.endsWith('\n') ? '' : '\n';
      const next = parts[i + 1];
      const after = next === undefined || next.startsWith('\n') ? '' : '\n';
      return `${out}${before}${part}${after}`;
    }, '');
  }

  textObject(t: TextObject): string {
    return t.type === 'mrkdwn' ? this.inline(parseMrkdwn(t.text)) : t.text;
  }

  button(b: ButtonView): string {
    return `[ ${b.label} ]${b.url ? ` (${b.url})` : ''}`;
  }

  /** A field: a `*Label:*` line and its value read best on one line. */
  field(t: TextObject): string {
    const lines = this.textObject(t).split('\n');
    return lines.length === 2 && lines[0]!.trimEnd().endsWith(':') ? `${lines[0]!.trimEnd()} ${lines[1]!}` : lines.join('\n');
  }

  block(view: BlockView): string[] {
    switch (view.kind) {
      case 'header':
        return [this.style('bold', view.text)];
      case 'section': {
        const lines: string[] = [];
        if (view.text) lines.push(...this.textObject(view.text).split('\n'));
        for (const f of view.fields) lines.push(...this.field(f).split('\n'));
        if (view.accessory) lines.push('image' in view.accessory ? `[image: ${view.accessory.image}]` : this.button(view.accessory));
        return lines;
      }
      case 'context':
        return [this.style('dim', view.elements.map((el) => ('image' in el ? `[${el.image}]` : this.textObject(el))).join('  ·  '))];
      case 'actions':
        return [view.buttons.map((b) => this.button(b)).join('  ')];
      case 'divider':
        return ['─'.repeat(40)];
      case 'image':
        return [`[image: ${view.alt}]${view.url ? ` (${view.url})` : ''}`];
      case 'plain':
        return view.text.split('\n');
      case 'unsupported':
        return [`[unsupported block: ${view.type}]`];
    }
  }

  entry(entry: Entry, indent: string, withDate: boolean): string[] {
    const { date, time } = tsTime(entry.ts);
    const meta = [
      `${withDate ? `${date} ` : ''}${time}`,
      this.style('bold', entry.author) + (entry.app ? ' [app]' : ''),
      ...(entry.note ? [entry.note] : []),
      ...(entry.edits.length > 0 ? [`edited ${plural(entry.edits.length, 'time')}`] : []),
    ].join(' · ');
    const body = contentViews(entry).flatMap((v) => this.block(v));
    return [`${indent}${meta}`, ...body.map((line) => (line === '' ? indent.trimEnd() : `${indent}  ${line}`))];
  }
}

/**
 * The messages the fake holds as a terminal-readable transcript: per channel, each root message
 * (its latest version, with how often it was edited), its thread replies indented beneath it.
 * mrkdwn is resolved the way Slack shows it: links as `label (url)`, mentions as `@U…`, dates as
 * their fallback text, buttons as `[ Label ]`.
 */
export function renderSlackText(slack: SlackTranscriptSource, options: SlackTextOptions = {}): string {
  const w = new TextWriter(options.color ?? false);
  const out: string[] = [];
  for (const channel of channelsOf(slack, options)) {
    const threads = threadsOf(slack, channel);
    const label = channelLabel(slack, channel);
    out.push(w.style('bold', `${label}${label === `#${channel}` ? '' : ` (${channel})`}`) + ` · ${plural(threads.length, 'thread')}`);
    out.push('═'.repeat(60));
    if (threads.length === 0) out.push('(no messages)');
    for (const thread of threads) {
      out.push(...(thread.root ? w.entry(thread.root, '', true) : [`(thread ${thread.ts}: root message not found)`]));
      if (thread.replies.length > 0) out.push(`  ↳ ${plural(thread.replies.length, 'reply', 'replies')}`);
      for (const reply of thread.replies) out.push(...w.entry(reply, '    │ ', false));
      out.push('');
    }
  }
  return out.length === 0 ? '(no channels)\n' : `${out.join('\n').replace(/\n+$/, '')}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML page

/** Escapes for HTML text and attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Only these become clickable; anything else (`javascript:`) is shown as text. */
const SAFE_URL = /^(https?:|mailto:)/i;

function inlineHtml(nodes: MrkdwnNode[]): string {
  return nodes
    .map((node, i): string => {
      switch (node.kind) {
        case 'text': {
          // A <pre> is a block already: the newlines around its fences would add blank lines.
          let text = node.text;
          if (nodes[i - 1]?.kind === 'pre') text = text.replace(/^\n/, '');
          if (nodes[i + 1]?.kind === 'pre') text = text.replace(/\n$/, '');
          return escapeHtml(text).replace(/\n/g, '<br>');
        }
        case 'bold':
          return `<strong>${inlineHtml(node.children)}</strong>`;
        case 'italic':
          return `<em>${inlineHtml(node.children)}</em>`;
        case 'strike':
          return `<del>${inlineHtml(node.children)}</del>`;
        case 'code':
          return `<code>${escapeHtml(node.text)}</code>`;
        case 'pre':
          return `<pre>${escapeHtml(node.text)}</pre>`;
        case 'mention':
          return `<span class="mention">${escapeHtml(node.text)}</span>`;
        case 'date':
          return node.iso ? `<time datetime="${escapeHtml(node.iso)}">${escapeHtml(node.text)}</time>` : escapeHtml(node.text);
        case 'link': {
          const label = escapeHtml(node.label ?? node.url);
          if (!SAFE_URL.test(node.url)) return node.label === undefined ? label : `${label} (${escapeHtml(node.url)})`;
          return `<a href="${escapeHtml(node.url)}" rel="noopener noreferrer">${label}</a>`;
        }
      }
    })
    .join('');
}

function textObjectHtml(t: TextObject): string {
  return t.type === 'mrkdwn' ? inlineHtml(parseMrkdwn(t.text)) : escapeHtml(t.text).replace(/\n/g, '<br>');
}

function buttonHtml(b: ButtonView): string {
  const style = b.style === 'primary' || b.style === 'danger' ? ` ${b.style}` : '';
  const title = b.url ? ` title="${escapeHtml(b.url)}"` : '';
  return `<button type="button" class="btn${style}" disabled${title}>${escapeHtml(b.label)}</button>`;
}

function blockHtml(view: BlockView): string {
  switch (view.kind) {
    case 'header':
      return `<h3 class="b-header">${escapeHtml(view.text)}</h3>`;
    case 'section': {
      const text = view.text ? `<div class="b-text">${textObjectHtml(view.text)}</div>` : '';
      const fields = view.fields.length > 0 ? `<div class="b-fields">${view.fields.map((f) => `<div>${textObjectHtml(f)}</div>`).join('')}</div>` : '';
      const acc = view.accessory
        ? `<div class="b-accessory">${'image' in view.accessory ? `<span class="img">[${escapeHtml(view.accessory.image)}]</span>` : buttonHtml(view.accessory)}</div>`
        : '';
      return `<div class="b-section"><div class="b-main">${text}${fields}</div>${acc}</div>`;
    }
    case 'context':
      return `<div class="b-context">${view.elements.map((el) => `<span>${'image' in el ? `[${escapeHtml(el.image)}]` : textObjectHtml(el)}</span>`).join('')}</div>`;
    case 'actions':
      return `<div class="b-actions">${view.buttons.map(buttonHtml).join('')}</div>`;
    case 'divider':
      return '<hr class="b-divider">';
    case 'image':
      // No external assets: the image is named, not loaded.
      return `<div class="b-image">[image: ${escapeHtml(view.alt)}]${view.url ? ` <span class="url">${escapeHtml(view.url)}</span>` : ''}</div>`;
    case 'plain':
      return `<div class="b-text">${escapeHtml(view.text).replace(/\n/g, '<br>')}</div>`;
    case 'unsupported':
      return `<div class="b-unsupported">[unsupported block: ${escapeHtml(view.type)}]</div>`;
  }
}

function contentHtml(content: { text?: string; blocks?: unknown[] }): string {
  return contentViews(content).map(blockHtml).join('');
}

function entryHtml(entry: Entry, reply: boolean): string {
  const { date, time, iso } = tsTime(entry.ts);
  const edited = entry.edits.length > 0 ? `<span class="edited">(edited ${plural(entry.edits.length, 'time')})</span>` : '';
  const history =
    entry.edits.length > 0
      ? `<details class="history"><summary>Earlier versions</summary><ol>${entry.edits
          .map((v) => `<li><div class="when">replaced at ${escapeHtml(new Date(v.at).toISOString())}</div>${contentHtml(v)}</li>`)
          .join('')}</ol></details>`
      : '';
  return [
    `<article class="msg${reply ? ' reply' : ''}${entry.note?.startsWith('only visible') ? ' ephemeral' : ''}" id="m-${escapeHtml(entry.ts)}">`,
    `<header><span class="author">${escapeHtml(entry.author)}</span>${entry.app ? '<span class="badge">APP</span>' : ''}`,
    `<time datetime="${escapeHtml(iso)}">${escapeHtml(reply ? time : `${date} ${time}`)}</time>`,
    entry.note ? `<span class="note">${escapeHtml(entry.note)}</span>` : '',
    `${edited}</header>`,
    `<div class="body">${contentHtml(entry)}</div>`,
    history,
    '</article>',
  ].join('');
}

function threadHtml(thread: Thread): string {
  const root = thread.root
    ? entryHtml(thread.root, false)
    : `<article class="msg missing"><header>Thread ${escapeHtml(thread.ts)}: root message not found</header></article>`;
  const replies =
    thread.replies.length > 0
      ? `<div class="thread"><div class="count">${plural(thread.replies.length, 'reply', 'replies')}</div>${thread.replies.map((r) => entryHtml(r, true)).join('')}</div>`
      : '';
  return `<div class="card">${root}${replies}</div>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.46 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1c1d;background:#f8f8f8}
.app{display:flex;min-height:100vh}
nav{width:220px;flex:none;background:#3f0e40;color:#cfc3cf;padding:16px 0}
nav h1{font-size:16px;color:#fff;margin:0 16px 12px}
nav a{display:block;padding:4px 16px;color:#cfc3cf;text-decoration:none}
nav a:hover{background:#350d36}
main{flex:1;padding:16px 24px;max-width:980px}
section.channel{margin-bottom:32px}
section.channel>h2{font-size:18px;margin:0 0 12px;padding-bottom:8px;border-bottom:1px solid #ddd}
.empty{color:#616061;font-style:italic}
.card{background:#fff;border:1px solid #e2e2e2;border-radius:8px;margin:0 0 12px;padding:8px 12px}
.msg header{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.author{font-weight:700}
.badge{font-size:10px;font-weight:700;background:#e8e8e8;color:#616061;border-radius:2px;padding:0 3px}
time,.note,.edited,.when{font-size:12px;color:#616061}
.ephemeral{background:#f4f8fc;border-left:3px solid #1264a3;padding-left:8px}
.body{margin-top:2px}
.b-header{font-size:18px;margin:4px 0}
.b-section{display:flex;gap:12px;justify-content:space-between;margin:4px 0}
.b-fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;margin-top:4px}
.b-context{font-size:12px;color:#616061;margin:4px 0;display:flex;gap:8px;flex-wrap:wrap}
.b-actions{display:flex;gap:8px;flex-wrap:wrap;margin:8px 0}
.b-divider{border:0;border-top:1px solid #e2e2e2;margin:8px 0}
.b-unsupported,.b-image{color:#616061;font-style:italic}
.btn{font:inherit;font-size:13px;font-weight:700;padding:3px 12px;border-radius:4px;border:1px solid #bbb;background:#fff;color:#1d1c1d;cursor:not-allowed}
.btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}
.btn.danger{background:#fff;border-color:#e01e5a;color:#e01e5a}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
code{font:12px Monaco,Menlo,Consolas,monospace;background:#f6f6f6;border:1px solid #ddd;border-radius:3px;padding:0 3px;color:#e01e5a}
pre{font:12px Monaco,Menlo,Consolas,monospace;background:#f6f6f6;border:1px solid #ddd;border-radius:4px;padding:8px;white-space:pre-wrap;margin:4px 0}
a{color:#1264a3}
.thread{margin:8px 0 4px 16px;padding-left:12px;border-left:3px solid #e2e2e2}
.thread .count{font-size:12px;font-weight:700;color:#1264a3;margin-bottom:4px}
.reply{margin:6px 0}
.history{margin-top:4px;font-size:13px}
.history summary{color:#616061;cursor:pointer}
.history li{opacity:.75;margin:4px 0}
.missing{color:#616061;font-style:italic}
`;

/**
 * The messages the fake holds as one self-contained HTML page (inline CSS, no scripts, no
 * external assets) laid out roughly like Slack: a channel list, each root message as a card with
 * its thread nested, buttons shown disabled, edits counted and earlier versions foldable. Every
 * piece of message content is escaped: a posted `<script>` shows as text.
 */
export function renderSlackHtml(slack: SlackTranscriptSource, options: SlackHtmlOptions = {}): string {
  const title = options.title ?? 'Portcullis · local Slack';
  const href = options.channelHref ?? ((channel: string) => `#${channel}`);
  const channels = channelsOf(slack, options);
  const nav = channels.map((c) => `<a href="${escapeHtml(href(c))}">${escapeHtml(channelLabel(slack, c))}</a>`).join('');
  const sections = channels.map((c) => {
    const threads = threadsOf(slack, c);
    const body = threads.length === 0 ? '<p class="empty">No messages yet.</p>' : threads.map(threadHtml).join('\n');
    return `<section class="channel" id="${escapeHtml(c)}"><h2>${escapeHtml(channelLabel(slack, c))} <time>${escapeHtml(c)}</time></h2>\n${body}\n</section>`;
  });
  const refresh = options.refreshSeconds !== undefined ? `<meta http-equiv="refresh" content="${Math.max(1, Math.floor(options.refreshSeconds))}">` : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    refresh,
    `<title>${escapeHtml(title)}</title><style>${CSS}</style></head>`,
    `<body><div class="app"><nav><h1>${escapeHtml(title)}</h1>${nav}</nav>`,
    `<main>${sections.length === 0 ? '<p class="empty">No channels yet.</p>' : sections.join('\n')}</main>`,
    '</div></body></html>',
    '',
  ].join('\n');
}
