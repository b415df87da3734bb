import {
  ConfigSchema,
  type ConfigShape,
  ConfigVariable,
  type ConfigVariableDescription,
  defineConfig,
  describeConfigVariables,
} from '@portcullis/config';
import { loadServiceConfig } from './service-config.js';

/** Where the generated reference lives, relative to the repository root. */
export const CONFIG_DOC_PATH = 'docs/configuration.md';

/** The command that regenerates it; printed in the file so nobody edits it by hand. */
export const CONFIG_DOCS_COMMAND = 'npm run config:docs';

/** One program whose configuration the reference documents. */
export interface ConfigReferenceSection {
  /** Heading, e.g. the service name. */
  title: string;
  /** A sentence or two under the heading: what the program is, anything special about its config. */
  intro?: string;
  /** The schema the program loads at start-up. */
  schema: ConfigSchema<unknown>;
  /**
   * `false` for a program that is not a service (the CLI): it does not count when finding the
   * variables shared by every service, and the shared variables it reads are named, not repeated.
   * Default true.
   */
  service?: boolean;
}

// Headings for the top-level groups of baseServiceConfig in the "Shared by every service" section;
// a group declared elsewhere gets its key as a heading ("scanBudget" → "Scan budget").
const GROUP_TITLES: Readonly<Record<string, string>> = {
  identity: 'Process',
  log: 'Process',
  shutdownGraceMs: 'Process',
  http: 'HTTP server',
  kafka: 'Kafka',
  redis: 'Redis',
  messaging: 'Event processing',
};

const HEAD = ['Variable', 'Type', 'Default', 'Required', 'Secret (`*_FILE` accepted)', 'Description'] as const;

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text: string): string => `\`${text}\``;
const row = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
const table = (rows: readonly ConfigVariableDescription[]): string[] => [
  row(HEAD),
  row(HEAD.map(() => '---')),
  ...rows.map((r) => row(cellsOf(r))),
];
/** GitHub's heading anchor. */
const slug = (heading: string): string =>
  heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
const link = (heading: string, text = heading): string => `[${text}](#${slug(heading)})`;
const SHARED = 'Shared by every service';
const listOf = (items: readonly string[], conjunction = 'and'): string =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;

function typeOf(r: ConfigVariableDescription): string {
  return r.allowedValues ? `enum: ${r.allowedValues.map(code).join(', ')}` : r.type;
}

function defaultOf(r: ConfigVariableDescription): string {
  if (r.default === undefined) return '—';
  return r.default === '' ? '*(empty)*' : code(r.default);
}

function cellsOf(r: ConfigVariableDescription): string[] {
  return [
    code(r.name),
    typeOf(r),
    defaultOf(r),
    r.required ? '**yes**' : 'no',
    r.fileVariable ? `**yes**, or ${code(r.fileVariable)}` : 'no',
    r.description,
  ];
}

const sameRow = (a: ConfigVariableDescription, b: ConfigVariableDescription | undefined): boolean =>
  b !== undefined && JSON.stringify(a) === JSON.stringify(b);

function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Group heading of every variable, from the top-level keys of the schema. */
function groupsOf(schema: ConfigSchema<unknown>): Map<string, string> {
  const groups = new Map<string, string>();
  for (const [key, entry] of Object.entries(schema.shape)) {
    const title = GROUP_TITLES[key] ?? (entry instanceof ConfigVariable ? 'Other' : humanize(key));
    const part: ConfigSchema<unknown> =
      entry instanceof ConfigSchema ? entry : defineConfig(entry instanceof ConfigVariable ? { [key]: entry } : (entry as ConfigShape));
    for (const r of describeConfigVariables(part)) if (!groups.has(r.name)) groups.set(r.name, title);
  }
  return groups;
}

interface Described {
  readonly section: ConfigReferenceSection;
  readonly rows: readonly ConfigVariableDescription[];
  readonly byName: ReadonlyMap<string, ConfigVariableDescription>;
}

function describe(section: ConfigReferenceSection): Described {
  const rows = describeConfigVariables(section.schema);
  return { section, rows, byName: new Map(rows.map((r) => [r.name, r])) };
}

/** Variables identical in every service, and those every service has but with differences (PORT). */
function splitShared(services: readonly Described[]): { shared: ConfigVariableDescription[]; varying: string[] } {
  const [first, ...others] = services;
  if (first === undefined || others.length === 0) return { shared: [], varying: [] };
  const inEvery = first.rows.filter((r) => others.every((s) => s.byName.has(r.name)));
  return {
    shared: inEvery.filter((r) => others.every((s) => sameRow(r, s.byName.get(r.name)))),
    varying: inEvery.filter((r) => !others.every((s) => sameRow(r, s.byName.get(r.name)))).map((r) => r.name),
  };
}

function varyingNote(name: string, services: readonly Described[]): string {
  const rows = services.map((s) => s.byName.get(name) as ConfigVariableDescription);
  const [first] = rows;
  const onlyDefaultDiffers = rows.every((r) => sameRow({ ...r, default: first?.default }, first));
  return onlyDefaultDiffers
    ? `Every service also reads ${code(name)}, with its own default: ${listOf(
        services.map((s, i) => `${defaultOf(rows[i] as ConfigVariableDescription)} (${s.section.title})`),
      )}. See each service below.`
    : `Every service also reads ${code(name)}, but not the same way; see each service below.`;
}

function renderPreamble(all: readonly Described[], services: readonly Described[]): string[] {
  const declared = new Map(all.flatMap((d) => d.rows.map((r) => [r.name, r] as const)));
  // Prose may only name variables a schema declares: renaming one fails the generator, not the reader.
  const v = (name: string, value?: string): string => {
    const declaredName = name.endsWith('_FILE') && declared.get(name.slice(0, -5))?.fileVariable === name ? name.slice(0, -5) : name;
    if (!declared.has(declaredName)) throw new Error(`the configuration reference mentions ${name}, which no schema declares`);
    return code(value === undefined ? name : `${name}=${value}`);
  };
  const secret = all.flatMap((d) => d.rows).find((r) => r.fileVariable !== undefined);
  const lines: string[] = [
    '## How values are read',
    '',
    '- **Environment only, read once.** A service reads its environment once, at start-up; a change takes effect',
    '  when it restarts (roll the Deployment).',
    '- **Empty means unset.** A blank value counts as unset, so the default applies. Values are trimmed.',
    `- **Secrets from files.** A variable marked *Secret* can be read from a file instead: set ${code('<NAME>_FILE')} to`,
    `  its path${secret?.fileVariable ? `, e.g. ${code(`${secret.fileVariable}=/run/secrets/…`)} with a mounted Kubernetes Secret` : ''}. The content`,
    `  is trimmed (a trailing newline is fine). Setting both ${code('<NAME>')} and ${code('<NAME>_FILE')} is an error, and so is`,
    `  ${code('_FILE')} on a variable that is not secret. Secrets never have a default.`,
    '- **Every problem at once.** A missing or invalid variable stops the service before it connects to anything: it writes',
    '  one message to stderr listing every bad variable and why, and exits with status 1, so one round of fixes is enough.',
    `- **Secrets stay secret.** Secret values are never quoted in those messages. The ${code('service started')} log line shows`,
    `  the whole configuration with secrets masked as ${code('***')}, and a secret value turning up in any later log line is`,
    `  replaced by ${code('***')} too.`,
    `- **Formats.** ${code('duration')}: numbers with units, ${code('500ms')}, ${code('30s')}, ${code('5m')}, ${code('1h30m')} (no bare numbers, no days:`,
    `  a week is ${code('168h')}). ${code('bool')}: ${code('true')}/${code('false')}, ${code('1')}/${code('0')}, ${code('yes')}/${code('no')}, ${code('on')}/${code('off')}, any case.`,
    `  ${code('list')}: comma-separated. ${code('enum')}: one of the listed values, any case. ${code('port')}: 0–65535. ${code('url')}: absolute.`,
    '',
  ];
  const example = services[0] ? loadServiceConfig(services[0].section.title, services[0].section.schema, {}) : undefined;
  if (example && !example.ok) {
    lines.push(`For example, ${services[0]?.section.title} started with an empty environment prints:`, '', '```text', example.report.trimEnd(), '```', '');
  }

  const production: string[] = [];
  if (declared.has('KAFKA_BROKERS')) {
    const mechanisms = declared.get('KAFKA_SASL_MECHANISM')?.allowedValues ?? [];
    production.push(
      `- **Kafka over TLS:** ${v('KAFKA_SSL', 'true')}. Broker certificates are always verified, against the default trust`,
      `  store; to trust a private CA instead, mount its PEM bundle and set ${v('KAFKA_SSL_CA_FILE')} to its path (it replaces`,
      '  the default CAs for Kafka).',
      `- **Kafka SASL:** ${v('KAFKA_SASL_MECHANISM')} (${listOf(mechanisms.map(code), 'or')}) with ${v('KAFKA_SASL_USERNAME')} and`,
      `  the password from a mounted secret file named by ${v('KAFKA_SASL_PASSWORD_FILE')} (or, less safely, ${v('KAFKA_SASL_PASSWORD')}).`,
      '  A mechanism without both credentials, or credentials without a mechanism, is refused at start-up. Use SASL',
      `  together with ${v('KAFKA_SSL', 'true')}: without TLS, ${code('plain')} sends the password in clear text.`,
      `- **Kafka topics and clients:** each service creates missing topics at start-up; set ${v('KAFKA_REPLICATION_FACTOR', '3')}`,
      `  so they survive the loss of a broker. Brokers see the client id ${v('KAFKA_CLIENT_ID')}, by default the service name`,
      '  (one id per service, not per instance), which is what quotas and broker logs refer to.',
    );
  }
  if (declared.has('REDIS_URL')) {
    const redisTls = [...declared.keys()].filter((name) => /^REDIS_(TLS|SSL)/.test(name));
    production.push(
      `- **Redis over TLS, with a password:** use a ${code('rediss://')} URL in ${v('REDIS_URL')}; the server certificate is verified`,
      `  against the default trust store. The password (and ACL user name) go in the URL, percent-encoded:`,
      `  ${code('rediss://portcullis:s3cr%40t@redis.internal:6380/0')}. Since the URL then holds a secret, mount it as a file and`,
      `  set ${v('REDIS_URL_FILE')} rather than ${v('REDIS_URL')}.`,
      ...(redisTls.length > 0
        ? [`  TLS options: ${listOf(redisTls.map((name) => v(name)))} (see the Redis table below).`]
        : [
            '  There are no other Redis TLS variables (no custom CA, client certificate or server name): a Redis behind a',
            "  private CA needs that CA in the default trust store, e.g. through Node.js's own `NODE_EXTRA_CA_CERTS=/path/to/ca.pem`.",
          ]),
    );
  }
  if (production.length > 0) {
    lines.push(
      '## Kafka and Redis in production',
      '',
      'The defaults suit the local single-broker stack. A production cluster usually also needs:',
      '',
      ...production,
      '',
    );
  }
  return lines;
}

function renderShared(services: readonly Described[], shared: readonly ConfigVariableDescription[], varying: readonly string[]): string[] {
  const first = services[0];
  if (first === undefined || shared.length + varying.length === 0) return [];
  const groups = groupsOf(first.section.schema);
  const titles = [...new Set(first.rows.map((r) => groups.get(r.name) ?? 'Other'))];
  const required = shared.filter((r) => r.required);
  const lines: string[] = [
    `## ${SHARED}`,
    '',
    `Every service (${listOf(services.map((s) => s.section.title))}) reads these, with the same meaning`,
    'and default.',
    ...(required.length > 0
      ? [
          `Only ${listOf(required.map((r) => (r.fileVariable ? `${code(r.name)} (or ${code(r.fileVariable)})` : code(r.name))))} must be set; everything`,
          'else has a working default.',
        ]
      : []),
    '',
  ];
  for (const title of titles) {
    const rows = shared.filter((r) => groups.get(r.name) === title);
    const notes = varying.filter((name) => groups.get(name) === title);
    if (rows.length + notes.length === 0) continue;
    lines.push(`### ${title}`, '');
    if (rows.length > 0) lines.push(...table(rows), '');
    for (const name of notes) lines.push(varyingNote(name, services), '');
  }
  return lines;
}

function renderSection(described: Described, shared: ReadonlyMap<string, ConfigVariableDescription>): string[] {
  const { section, rows } = described;
  const reused = rows.filter((r) => sameRow(r, shared.get(r.name)));
  const own = rows.filter((r) => !sameRow(r, shared.get(r.name)));
  const lines: string[] = [`## ${section.title}`, ''];
  if (section.intro) lines.push(section.intro, '');
  if (section.service === false) {
    if (reused.length > 0) {
      lines.push(`Reads ${listOf(reused.map((r) => code(r.name)))}, as described under ${link(SHARED)}.`, '');
      if (own.length > 0) lines.push('And also:', '');
    }
  } else if (shared.size > 0) {
    lines.push(own.length > 0 ? `Besides the ${link(SHARED, 'shared variables')}:` : `Only the ${link(SHARED, 'shared variables')}.`, '');
  }
  if (own.length > 0) lines.push(...table(own), '');
  return lines;
}

/**
 * The operator's configuration reference (docs/configuration.md) as markdown: how values are read,
 * what production Kafka and Redis need, the variables shared by every service once, then per
 * section only what differs (e.g. the PORT default) or is its own. Deterministic: a unit test
 * compares it with the committed file.
 */
export function renderConfigReference(sections: readonly ConfigReferenceSection[]): string {
  const all = sections.map(describe);
  const services = all.filter((d) => d.section.service !== false);
  const { shared, varying } = splitShared(services);
  const sharedByName = new Map(shared.map((r) => [r.name, r]));
  const headings = [
    'How values are read',
    ...(all.some((d) => d.byName.has('KAFKA_BROKERS') || d.byName.has('REDIS_URL')) ? ['Kafka and Redis in production'] : []),
    ...(shared.length + varying.length > 0 ? [SHARED] : []),
    ...sections.map((s) => s.title),
  ];
  const lines: string[] = [
    `<!-- Generated from the config schemas by \`${CONFIG_DOCS_COMMAND}\`. Do not edit by hand: a unit test fails when this file is stale. -->`,
    '',
    '# Configuration',
    '',
    'Portcullis is configured through environment variables only. This page is generated from the schemas the',
    'programs load at start-up (each variable is declared once, in `libs/config`, `libs/service-kit` or an app’s',
    '`src/<app>.config.ts`, with its type, default, description and whether it is a secret), so it lists exactly what',
    'they read.',
    '',
    `Contents: ${headings.map((h) => link(h)).join(' · ')}`,
    '',
    ...renderPreamble(all, services),
    ...renderShared(services, shared, varying),
    ...all.flatMap((d) => renderSection(d, sharedByName)),
  ];
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
