import { type ConfigVariableDescription, defineConfig, describeConfigVariables, envVar, kafkaConfig } from '@portcullis/config';
import { describe, expect, it } from 'vitest';
import { renderConfigReference } from './config-reference.js';
import { baseServiceConfig } from './service-config.js';

const baseSchema = baseServiceConfig(8080);
const scannerSchema = baseServiceConfig(8082, {
  scan: {
    maxConcurrent: envVar.int('SCAN_MAX_CONCURRENT', { default: '4', min: 1, description: 'Images scanned at once per instance.' }),
    registryToken: envVar.string('REGISTRY_TOKEN', { sensitive: true, optional: true, description: 'Pull token for private registries.' }),
    feedUrl: envVar.url('VULN_FEED_URL', { description: 'Where the vulnerability feed comes from.' }),
  },
});
const cliSchema = defineConfig({ kafka: kafkaConfig });

const sections = [
  { title: 'intake', intro: 'Takes webhooks in.', schema: baseSchema },
  { title: 'scanner', schema: scannerSchema },
  { title: 'cli', schema: cliSchema, service: false },
];
const baseRows = describeConfigVariables(baseSchema);
const scannerOnly = ['SCAN_MAX_CONCURRENT', 'REGISTRY_TOKEN', 'VULN_FEED_URL'];

/** Table rows of one variable, split into cells (Variable, Type, Default, Required, Secret, Description). */
function rowsOf(markdown: string, name: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith(`| \`${name}\` |`))
    .map((line) => line.slice(2, -2).split(' | '));
}

/** The text between a `## title` heading and the next `## ` heading. */
function sectionOf(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

const expectedDefault = (row: ConfigVariableDescription): string =>
  row.default === undefined ? '—' : row.default === '' ? '*(empty)*' : `\`${row.default}\``;

describe('renderConfigReference', () => {
  const sut = renderConfigReference(sections);

  it('mentions every variable of every schema', () => {
    for (const { schema } of sections) {
      for (const { name } of describeConfigVariables(schema)) expect(sut).toContain(`\`${name}\``);
    }
  });

  it('lists each shared variable once, with its type, default, requiredness and secrecy', () => {
    const shared = sectionOf(sut, 'Shared by every service');
    for (const row of baseRows.filter((r) => r.name !== 'PORT')) {
      const rows = rowsOf(sut, row.name);
      expect(rows, row.name).toHaveLength(1);
      expect(shared).toContain(`| \`${row.name}\` |`);
      const [, type, defaultCell, required, secret, description] = rows[0] ?? [];
      expect(type, row.name).toContain(row.type === 'enum' ? `\`${row.allowedValues?.[0]}\`` : row.type);
      expect(defaultCell, row.name).toBe(expectedDefault(row));
      expect(required, row.name).toBe(row.required ? '**yes**' : 'no');
      expect(secret, row.name).toBe(row.sensitive ? `**yes**, or \`${row.name}_FILE\`` : 'no');
      expect(description, row.name).toBe(row.description.replace(/\|/g, '\\|'));
    }
  });

  it('marks secrets and their _FILE variable', () => {
    expect(rowsOf(sut, 'REDIS_URL')[0]).toEqual(expect.arrayContaining(['**yes**', '**yes**, or `REDIS_URL_FILE`']));
    expect(rowsOf(sut, 'KAFKA_SASL_PASSWORD')[0]?.[4]).toBe('**yes**, or `KAFKA_SASL_PASSWORD_FILE`');
    expect(rowsOf(sut, 'REGISTRY_TOKEN')[0]?.[4]).toBe('**yes**, or `REGISTRY_TOKEN_FILE`');
    expect(rowsOf(sut, 'KAFKA_BROKERS')[0]?.[4]).toBe('no');
  });

  it('shows defaults as an operator types them, computed ones by their label', () => {
    expect(rowsOf(sut, 'KAFKA_CONNECTION_TIMEOUT')[0]?.[2]).toBe('`3s`');
    expect(rowsOf(sut, 'IDEMPOTENCY_TTL')[0]?.[2]).toBe('`168h`');
    expect(rowsOf(sut, 'KAFKA_TOPIC_PREFIX')[0]?.[2]).toBe('*(empty)*');
    expect(rowsOf(sut, 'SERVICE_INSTANCE_ID')[0]?.[2]).toBe('`<hostname>-<pid>`');
    expect(rowsOf(sut, 'KAFKA_BROKERS')[0]?.slice(2, 4)).toEqual(['—', '**yes**']);
    expect(rowsOf(sut, 'SCAN_MAX_CONCURRENT')[0]?.slice(1, 4)).toEqual(['int', '`4`', 'no']);
  });

  it('puts what differs per service (PORT) and service-specific variables in the service sections only', () => {
    const intake = sectionOf(sut, 'intake');
    const scanner = sectionOf(sut, 'scanner');
    expect(intake).toContain('Takes webhooks in.');
    expect(intake).toContain('| `PORT` | port | `8080` |');
    expect(scanner).toContain('| `PORT` | port | `8082` |');
    expect(rowsOf(sut, 'PORT')).toHaveLength(2);
    expect(sectionOf(sut, 'Shared by every service')).toContain('`8080` (intake) and `8082` (scanner)');
    for (const name of scannerOnly) {
      expect(rowsOf(sut, name), name).toHaveLength(1);
      expect(scanner).toContain(`| \`${name}\` |`);
      expect(intake).not.toContain(`\`${name}\``);
    }
    expect(rowsOf(sut, 'VULN_FEED_URL')[0]?.slice(1, 4)).toEqual(['url', '—', '**yes**']);
    for (const row of baseRows.filter((r) => r.name !== 'PORT')) expect(scanner).not.toContain(`| \`${row.name}\` |`);
  });

  it('names the shared variables a non-service section reads instead of repeating them', () => {
    const cli = sectionOf(sut, 'cli');
    expect(cli).toContain('Reads `KAFKA_BROKERS`, ');
    expect(cli).not.toContain('| Variable |');
    expect(sectionOf(sut, 'Shared by every service')).toContain('Every service (intake and scanner) reads these');
  });

  it('explains how values are read and what production Kafka and Redis need', () => {
    const reading = sectionOf(sut, 'How values are read');
    expect(reading).toContain('once, at start-up');
    expect(reading).toContain('`<NAME>_FILE`');
    expect(reading).toContain('every bad variable');
    expect(reading).toContain('masked as `***`');
    expect(reading).toMatch(/intake cannot start\. Invalid configuration \(2 problems\):\n {2}- KAFKA_BROKERS: missing/);
    const production = sectionOf(sut, 'Kafka and Redis in production');
    for (const name of ['KAFKA_SSL=true', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD_FILE', 'REDIS_URL_FILE']) {
      expect(production).toContain(`\`${name}`);
    }
    expect(production).toContain('`rediss://`');
  });

  it('mentions no variable that no schema declares', () => {
    const declared = new Set(sections.flatMap(({ schema }) => describeConfigVariables(schema).flatMap((r) => [r.name, r.fileVariable ?? r.name])));
    const mentioned = [...sut.matchAll(/`([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`/g)].map((m) => m[1] ?? '');
    // Node.js's own variable, named as such.
    const unknown = mentioned.filter((name) => !declared.has(name) && name !== 'NODE_EXTRA_CA_CERTS');
    expect(unknown).toEqual([]);
  });

  it('is deterministic', () => {
    expect(renderConfigReference(sections)).toBe(sut);
  });

  it('lists everything in the section when there is only one service', () => {
    const single = renderConfigReference([{ title: 'only', schema: baseSchema }]);
    expect(single).not.toContain('## Shared by every service');
    for (const { name } of baseRows) expect(rowsOf(single, name), name).toHaveLength(1);
  });
});
