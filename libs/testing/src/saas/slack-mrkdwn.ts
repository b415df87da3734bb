/**
 * A parser for Slack's `mrkdwn` (api.slack.com/reference/surfaces/formatting), which is not
 * Markdown: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```pre``` ````, and `<…>` control
 * sequences for links, mentions and dates. Only `&lt; &gt; &amp;` are entities. The result is a
 * small tree that the text and HTML renderers each print their own way.
 */

/** One inline piece of a mrkdwn text. */
export type MrkdwnNode =
  /** Plain text, entities already unescaped. */
  | { kind: 'text'; text: string }
  | { kind: 'bold' | 'italic' | 'strike'; children: MrkdwnNode[] }
  | { kind: 'code'; text: string }
  /** A ```` ``` ```` block (may span lines). */
  | { kind: 'pre'; text: string }
  /** `<url>` or `<url|label>`; `label` is absent when Slack would show the URL itself. */
  | { kind: 'link'; url: string; label?: string }
  /** `<@U…>`, `<#C…|name>`, `<!subteam^S…>`, `<!here>`: shown as `@U…`, `#name`, `@here`. */
  | { kind: 'mention'; text: string }
  /** `<!date^epoch^format|fallback>`: the fallback text (or the UTC time when there is none). */
  | { kind: 'date'; text: string; iso?: string };

/** Private-use characters that stand for an already-parsed token while emphasis is matched. */
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001/g;
/** A link target Slack would turn into a link: a scheme (`https:`, `mailto:`, …). */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
/**
 * Emphasis as Slack applies it: the markers sit at word boundaries (`snake_case_name` stays
 * plain), the content neither starts nor ends with a space and stays on one line.
 */
const EMPHASIS = /(^|[^\p{L}\p{N}_*~])([*_~])(?!\s)([^\n]*?[^\s])\2(?![\p{L}\p{N}])/u;
const EMPHASIS_KIND = { '*': 'bold', _: 'italic', '~': 'strike' } as const;

/** Slack escapes only these three; anything else (`&quot;`) is shown as written. */
export function unescapeMrkdwn(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The node a `<…>` control sequence stands for (`inner` without the brackets). */
function controlSequence(inner: string): MrkdwnNode {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : unescapeMrkdwn(inner.slice(bar + 1));
  if (target.startsWith('@')) return { kind: 'mention', text: `@${label ?? target.slice(1)}` };
  if (target.startsWith('#')) return { kind: 'mention', text: `#${label ?? target.slice(1)}` };
  if (target.startsWith('!')) {
    const [command = '', ...args] = target.slice(1).split('^');
    if (command === 'date') {
      const epoch = Number(args[0]);
      const iso = Number.isFinite(epoch) ? new Date(epoch * 1000).toISOString() : undefined;
      return { kind: 'date', text: label ?? iso ?? inner, ...(iso ? { iso } : {}) };
    }
    if (command === 'subteam') return { kind: 'mention', text: label ?? `@${args[0] ?? 'subteam'}` };
    return { kind: 'mention', text: label && !label.startsWith('@') ? `@${label}` : (label ?? `@${command}`) };
  }
  if (URL_SCHEME.test(target)) {
    const url = unescapeMrkdwn(target);
    return label === undefined || label === '' || label === url ? { kind: 'link', url } : { kind: 'link', url, label };
  }
  // Not a link Slack would make (`<script>` from a poster that forgot to escape): shown as written,
  // which makes the poster's bug visible instead of hiding it.
  return { kind: 'text', text: `<${unescapeMrkdwn(inner)}>` };
}

/** Plain text between tokens: placeholders put back, entities unescaped. */
function expand(text: string, tokens: MrkdwnNode[]): MrkdwnNode[] {
  const out: MrkdwnNode[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) out.push({ kind: 'text', text: unescapeMrkdwn(text.slice(last, match.index)) });
    out.push(tokens[Number(match[1])]!);
    last = match.index + match[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: unescapeMrkdwn(text.slice(last)) });
  return out;
}

/** Joins neighbouring text nodes (a bracketed non-link next to plain text). */
function merged(nodes: MrkdwnNode[]): MrkdwnNode[] {
  const out: MrkdwnNode[] = [];
  for (const node of nodes) {
    const last = out.at(-1);
    if (node.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + node.text };
    else if (node.kind !== 'text' || node.text !== '') out.push(node);
  }
  return out;
}

function emphasis(text: string, tokens: MrkdwnNode[]): MrkdwnNode[] {
  const match = EMPHASIS.exec(text);
  if (!match) return merged(expand(text, tokens));
  const [whole, before = '', marker, inner = ''] = match;
  const start = match.index + before.length;
  return merged([
    ...expand(text.slice(0, start), tokens),
    { kind: EMPHASIS_KIND[marker as keyof typeof EMPHASIS_KIND], children: emphasis(inner, tokens) },
    ...emphasis(text.slice(match.index + whole.length), tokens),
  ]);
}

/** Parses one mrkdwn string (a section's text, a field, a context element). */
export function parseMrkdwn(source: string): MrkdwnNode[] {
  const tokens: MrkdwnNode[] = [];
  const hold = (node: MrkdwnNode): string => `${OPEN}${tokens.push(node) - 1}${CLOSE}`;
  // Code first (nothing inside is formatted), then control sequences, so `*<url|label>*` is bold.
  const text = source
    .replace(/[\uE000\uE001]/g, '\uFFFD')
    .replace(/```([\s\S]*?)```/g, (_, code: string) => hold({ kind: 'pre', text: unescapeMrkdwn(code.replace(/^\n|\n$/g, '')) }))
    .replace(/`([^`\n]+)`/g, (_, code: string) => hold({ kind: 'code', text: unescapeMrkdwn(code) }))
    .replace(/<([^<>\n]+)>/g, (_, inner: string) => hold(controlSequence(inner)));
  return emphasis(text, tokens);
}
