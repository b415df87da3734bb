import { z } from 'zod';
import { CE_HEADERS, DECODE_FAILURE_DOCS, eventTypeOf, JSON_CONTENT_TYPE, MAX_EVENT_BYTES, SPEC_VERSION } from '../envelope/cloud-event.js';
import { DELIVERY_HEADER_DOCS, DELIVERY_HEADERS } from '../envelope/delivery-headers.js';
import { EVENT_EXAMPLES } from '../examples/all-examples.js';
import { TOPICS } from '../topics/registry.js';
import { kindsOf, TOPIC_KEYS, type TopicDefinition } from '../topics/topic-definition.js';
import { allTopicSpecs } from '../topics/topic-specs.js';

/** Where the generated files live, relative to the repository root. */
export const EVENTS_DOC_PATH = 'docs/events.md';
export const EVENT_SCHEMAS_DIR = 'docs/events/schemas';

/** The command that regenerates the files; printed in them so nobody edits them by hand. */
export const EVENTS_DOCS_COMMAND = 'npm run events:docs';

type JsonSchema = Record<string, unknown> & {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
};

/** `<topic>.<kind>`: the name of a kind's JSON Schema. */
export function schemaNameOf(topic: TopicDefinition, kind: string): string {
  return `${topic.name}.${kind}`;
}

function jsonSchemaOf(topic: TopicDefinition, kind: string, schema: z.ZodType): JsonSchema {
  // `input`: what a producer may send. Unknown properties stay allowed (consumers strip them),
  // which is what lets a producer add an optional field before every consumer knows it.
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' }) as JsonSchema;
  const { $schema, ...rest } = generated;
  return { $schema, title: eventTypeOf(topic, kind), ...rest };
}

/** JSON Schema (draft 2020-12) of every kind of every topic, keyed `<topic>.<kind>`. */
export function renderJsonSchemas(): Record<string, object> {
  const schemas: Record<string, object> = {};
  for (const topic of TOPICS) {
    for (const { kind, schema } of kindsOf(topic)) schemas[schemaNameOf(topic, kind)] = jsonSchemaOf(topic, kind, schema);
  }
  return schemas;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string): string => `\`${text}\``;
const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  row(head),
  row(head.map(() => '---')),
  ...rows.map(row),
];

function formatDuration(ms: number): string {
  const days = ms / 86_400_000;
  if (Number.isInteger(days)) return `${days} d`;
  const hours = ms / 3_600_000;
  return Number.isInteger(hours) ? `${hours} h` : `${ms} ms`;
}

/** A short, human-readable type of a JSON Schema node. Long patterns are left to the JSON Schema file. */
function typeOf(node: JsonSchema): string {
  if ('const' in node) return code(JSON.stringify(node.const));
  if (node.enum) return node.enum.map((v) => code(JSON.stringify(v))).join(' | ');
  const variants = node.anyOf ?? node.oneOf;
  if (variants) return objectVariants(node) ? 'object, one of the shapes below' : variants.map(typeOf).join(' | ');
  const n = (key: string): number | undefined => (typeof node[key] === 'number' ? (node[key] as number) : undefined);
  switch (node.type) {
    case 'string': {
      if (node['format'] === 'date-time') return 'date-time';
      const base = node['format'] === 'uri' ? 'URL' : 'string';
      const [min, max] = [n('minLength'), n('maxLength')];
      const limits = min !== undefined && min === max ? `${min} chars` : min ? `${min}..${max ?? ''}` : max !== undefined ? `≤${max}` : '';
      const pattern = typeof node['pattern'] === 'string' && node['pattern'].length <= 60 ? ` ${code(node['pattern'])}` : '';
      return `${base}${limits ? ` (${limits})` : ''}${pattern}`;
    }
    case 'integer':
    case 'number': {
      const max = n('maximum');
      const range = `${n('minimum') ?? ''}..${max !== undefined && max < Number.MAX_SAFE_INTEGER ? max : ''}`;
      return range === '..' ? node.type : `${node.type} ${range}`;
    }
    case 'array': {
      const items = node.items ? (node.items.type === 'object' ? 'object' : typeOf(node.items)) : 'any';
      return `array${n('maxItems') !== undefined ? ` (≤${n('maxItems')})` : ''} of ${items}`;
    }
    default:
      return node.type ?? 'any';
  }
}

/** The variants of a union whose members are all objects (a discriminated union), else undefined. */
function objectVariants(node: JsonSchema): JsonSchema[] | undefined {
  const variants = node.anyOf ?? node.oneOf;
  return variants && variants.length > 0 && variants.every((v) => v.type === 'object') ? variants : undefined;
}

/** `when `status` is "valid"`: the discriminator a variant of a union of objects is told apart by. */
function variantCondition(variant: JsonSchema): string | undefined {
  const entry = Object.entries(variant.properties ?? {}).find(([, child]) => 'const' in child);
  return entry ? `when ${code(entry[0])} is ${code(JSON.stringify(entry[1].const))}` : undefined;
}

function fieldRows(node: JsonSchema, prefix = '', condition?: string): string[][] {
  const rows: string[][] = [];
  const required = new Set(node.required ?? []);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${name}`;
    const isRequired = required.has(name) ? (condition ? `yes, ${condition}` : 'yes') : 'no';
    rows.push([code(path), typeOf(child), isRequired, child.description ?? '']);
    if (child.type === 'object') rows.push(...fieldRows(child, `${path}.`, condition));
    if (child.type === 'array' && child.items?.type === 'object') rows.push(...fieldRows(child.items, `${path}[].`, condition));
    for (const variant of objectVariants(child) ?? []) rows.push(...fieldRows(variant, `${path}.`, variantCondition(variant)));
  }
  return rows;
}

const CE_HEADER_DOCS: Record<keyof typeof CE_HEADERS, { required: boolean; description: string }> = {
  specversion: { required: true, description: `Always ${code(SPEC_VERSION)}.` },
  id: { required: true, description: 'Event id (UUID unless the producer re-publishes a fact under its original id). Consumers deduplicate on it.' },
  type: { required: true, description: `${code('dev.portcullis.<topic>.<kind>.v<version>')}; must match the body's ${code('kind')}.` },
  source: { required: true, description: `Producer, ${code('/portcullis/<service>')}.` },
  subject: { required: false, description: 'What the event is about: a release id, repository key or image digest (per topic below).' },
  time: { required: true, description: 'RFC 3339 time of the fact.' },
  releaseid: { required: false, description: `Extension: the release (${code('provider/owner/name@sha')}) the event is about; derived from the body when it names one.` },
  deliveryid: { required: false, description: 'Extension: the webhook delivery that started the chain, copied from event to event.' },
  contentType: { required: false, description: `${code(JSON_CONTENT_TYPE)} when present.` },
  traceparent: { required: false, description: 'W3C trace context of the producing span.' },
};

function renderTopic(topic: TopicDefinition, schemas: Record<string, object>): string[] {
  const lines: string[] = [`## ${code(topic.name)}`, '', topic.description, ''];
  lines.push(
    `- Key: ${code(topic.key)} — ${TOPIC_KEYS[topic.key]}`,
    ...(topic.keyNote ? [`- Why this key: ${topic.keyNote}`] : []),
    `- Partitions: ${topic.partitions}; retention: ${formatDuration(topic.retentionMs)}; version: ${topic.version}`,
    `- Produced by: ${topic.producedBy.join(', ')}; consumed by: ${topic.consumedBy.join(', ')}`,
    '',
  );
  for (const { kind } of kindsOf(topic)) {
    const name = schemaNameOf(topic, kind);
    const schema = schemas[name] as JsonSchema;
    const example = EVENT_EXAMPLES.find((e) => e.topic.name === topic.name && e.kind === kind);
    lines.push(
      `### ${code(kind)}`,
      '',
      `Type ${code(eventTypeOf(topic, kind))} · JSON Schema [${name}.json](events/schemas/${name}.json)`,
      '',
      schema.description ?? '',
      '',
      ...table(['Field', 'Type', 'Required', 'Description'], fieldRows(schema)),
      '',
    );
    if (example) {
      lines.push('<details><summary>Example</summary>', '', '```json', JSON.stringify(example.body(), null, 2), '```', '', '</details>', '');
    }
  }
  return lines;
}

/** The whole of docs/events.md. Deterministic: a unit test compares it with the committed file. */
export function renderEventsMarkdown(): string {
  const schemas = renderJsonSchemas();
  const lines: string[] = [
    `<!-- Generated from libs/contracts by \`${EVENTS_DOCS_COMMAND}\`. Do not edit by hand: a unit test fails when this file is stale. -->`,
    '',
    '# Events',
    '',
    'Kafka is the only channel between Portcullis services. Every topic, its key, partitions, retention and',
    'schemas are defined in `libs/contracts`; this page is generated from there. Topic names and keys are an API:',
    'renaming one, changing a key or removing a kind needs a migration (see the warning in',
    '`libs/contracts/src/topics/registry.ts`). Adding an optional field or a kind is compatible once every consumer',
    'runs a contracts version that knows it, so consumers are deployed before producers.',
    '',
    '## Topics',
    '',
    ...table(
      ['Topic', 'Key', 'Partitions', 'Retention', 'Produced by', 'Consumed by', 'Kinds'],
      TOPICS.map((t) => [
        `[${code(t.name)}](#${t.name.replace(/\./g, '')})`,
        code(t.key),
        String(t.partitions),
        formatDuration(t.retentionMs),
        t.producedBy.join(', '),
        t.consumedBy.join(', '),
        kindsOf(t)
          .map((k) => code(k.kind))
          .join(', '),
      ]),
    ),
    '',
    'Keys:',
    '',
    ...Object.entries(TOPIC_KEYS).map(([key, text]) => `- ${code(key)}: ${text}`),
    '',
    '## Envelope',
    '',
    `CloudEvents ${SPEC_VERSION} in Kafka *binary* content mode: attributes travel as headers, the body is the JSON`,
    `message value (at most ${MAX_EVENT_BYTES} bytes). The body is validated against its schema when it is produced and`,
    'when it is consumed. Raw secret values never appear in any event: findings carry a keyed fingerprint and a masked preview.',
    '',
    ...table(
      ['Header', 'Required', 'Description'],
      (Object.keys(CE_HEADERS) as (keyof typeof CE_HEADERS)[]).map((k) => [
        code(CE_HEADERS[k]),
        CE_HEADER_DOCS[k].required ? 'yes' : 'no',
        CE_HEADER_DOCS[k].description,
      ]),
    ),
    '',
    'A message that cannot be decoded goes to the dead-letter topic at once, with `pc_error_code` `INVALID_<code>`:',
    '',
    ...table(
      ['Code', 'Meaning'],
      Object.entries(DECODE_FAILURE_DOCS).map(([c, text]) => [code(c), text]),
    ),
    '',
    '## Retry and dead-letter topics',
    '',
    'Each topic has two companions. A retryable failure moves the message to `<topic>.retry`, where it waits until',
    '`pc_not_before`; a permanent failure, or the last retry, moves it to `<topic>.dlq`, where people look at it and',
    'the CLI can replay it. Key, value and the original headers are kept; these headers are added:',
    '',
    ...table(
      ['Header', 'On', 'Value'],
      (Object.keys(DELIVERY_HEADERS) as (keyof typeof DELIVERY_HEADERS)[]).map((k) => [
        code(DELIVERY_HEADERS[k]),
        DELIVERY_HEADER_DOCS[k].on.map((on) => code(`.${on}`)).join(', '),
        DELIVERY_HEADER_DOCS[k].description,
      ]),
    ),
    '',
    ...table(
      ['Topic', 'Purpose', 'Partitions', 'Retention'],
      allTopicSpecs().map((s) => [code(s.name), s.purpose, String(s.partitions), formatDuration(s.retentionMs)]),
    ),
    '',
    ...TOPICS.flatMap((t) => renderTopic(t, schemas)),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** Every generated file, path (from the repository root) → content. The generator writes exactly these. */
export function renderEventsDocFiles(): Record<string, string> {
  const files: Record<string, string> = { [EVENTS_DOC_PATH]: renderEventsMarkdown() };
  for (const [name, schema] of Object.entries(renderJsonSchemas())) {
    files[`${EVENT_SCHEMAS_DIR}/${name}.json`] = `${JSON.stringify(schema, null, 2)}\n`;
  }
  return files;
}
