import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventTypeOf } from '../envelope/cloud-event.js';
import { DELIVERY_HEADERS } from '../envelope/delivery-headers.js';
import { TOPICS } from '../topics/registry.js';
import { kindsOf } from '../topics/topic-definition.js';
import { EVENT_SCHEMAS_DIR, EVENTS_DOC_PATH, renderEventsDocFiles, renderEventsMarkdown, renderJsonSchemas } from './render-events-docs.js';

const repositoryRoot = resolve(import.meta.dirname, '../../../..');
const allKinds = TOPICS.flatMap((topic) => kindsOf(topic).map(({ kind }) => ({ topic, kind })));

type Node = { description?: string; properties?: Record<string, Node>; items?: Node; anyOf?: Node[]; oneOf?: Node[] };

/** Paths of properties without a description: a field without docs is a field nobody can use right. */
function undocumented(node: Node, path: string): string[] {
  const own = Object.entries(node.properties ?? {}).flatMap(([name, child]) => [
    ...(child.description ? [] : [`${path}.${name}`]),
    ...undocumented(child, `${path}.${name}`),
  ]);
  const variants = [...(node.anyOf ?? []), ...(node.oneOf ?? [])].flatMap((variant, i) => undocumented(variant, `${path}|${i}`));
  return node.items ? [...own, ...variants, ...undocumented(node.items, `${path}[]`)] : [...own, ...variants];
}

describe('renderEventsMarkdown', () => {
  const sut = renderEventsMarkdown();

  it.each(TOPICS.map((t) => [t.name, t] as const))('documents topic %s with its key and partitions', (name, topic) => {
    expect(sut).toContain(`## \`${name}\``);
    expect(sut).toContain(`| [\`${name}\`](#${name.replace(/\./g, '')}) | \`${topic.key}\` | ${topic.partitions} |`);
  });

  it.each(allKinds.map(({ topic, kind }) => [`${topic.name} ${kind}`, topic, kind] as const))(
    'documents %s with its CloudEvents type and schema link',
    (_name, topic, kind) => {
      expect(sut).toContain(`### \`${kind}\``);
      expect(sut).toContain(`Type \`${eventTypeOf(topic, kind)}\``);
      expect(sut).toContain(`(events/schemas/${topic.name}.${kind}.json)`);
    },
  );

  it('documents the retry and dead-letter companions and every delivery header', () => {
    for (const topic of TOPICS) {
      expect(sut).toContain(`| \`${topic.name}.retry\` | retry |`);
      expect(sut).toContain(`| \`${topic.name}.dlq\` | dlq |`);
    }
    for (const header of Object.values(DELIVERY_HEADERS)) expect(sut).toContain(`| \`${header}\` |`);
  });

  it('documents each shape of a union of objects with the discriminator it applies under', () => {
    expect(sut).toContain('| `repoNotify` | object, one of the shapes below | no |');
    expect(sut).toContain('| `repoNotify.settings.channel` | string (1..80)');
    expect(sut).toContain('| `repoNotify.problems[].path` |');
    expect(sut).toMatch(/\| `repoNotify\.problems` \| [^|]+ \| yes, when `status` is `"invalid"` \|/);
  });

  it('is deterministic', () => {
    expect(renderEventsMarkdown()).toBe(sut);
  });
});

describe('renderJsonSchemas', () => {
  const sut = renderJsonSchemas();

  it('has one schema per kind, titled with its CloudEvents type', () => {
    expect(Object.keys(sut).sort()).toEqual(allKinds.map(({ topic, kind }) => `${topic.name}.${kind}`).sort());
    for (const { topic, kind } of allKinds) expect(sut[`${topic.name}.${kind}`]).toMatchObject({ title: eventTypeOf(topic, kind) });
  });

  it('describes every field, because the field docs are the contract', () => {
    const missing = Object.entries(sut).flatMap(([name, schema]) => undocumented(schema as Node, name));

    expect(missing).toEqual([]);
  });
});

describe('committed docs', () => {
  const files = renderEventsDocFiles();
  const hint = 'stale generated docs: run `npx tsc -b libs/contracts/tsconfig.lib.json && node tools/generators/events-docs.mjs`';

  it.each(Object.keys(files))('%s matches libs/contracts', (path) => {
    const committed = existsSync(join(repositoryRoot, path)) ? readFileSync(join(repositoryRoot, path), 'utf8') : undefined;

    expect(committed, hint).toBe(files[path]);
  });

  it('has no schema file for a kind that no longer exists', () => {
    const committed = readdirSync(join(repositoryRoot, EVENT_SCHEMAS_DIR)).map((f) => `${EVENT_SCHEMAS_DIR}/${f}`);

    expect(committed.filter((path) => !(path in files)), hint).toEqual([]);
  });

  it('writes the markdown where the repository links to it', () => {
    expect(Object.keys(files)).toContain(EVENTS_DOC_PATH);
  });
});
