import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { MAX_EVENT_BYTES } from '../envelope/cloud-event.js';
import { TOPICS } from './registry.js';
import { kindsOf } from './topic-definition.js';

type Node = Record<string, unknown> & {
  type?: string;
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
  allOf?: Node[];
  enum?: unknown[];
};

/**
 * Upper bound of the serialised size of any valid body, counting one byte per character (ASCII).
 * It throws on an unbounded string or array, which is how this test enforces that every field is
 * bounded. Multi-byte text can exceed the bound; `encodeEvent` refuses such a body (TOO_LARGE).
 */
function maxBytes(node: Node, where: string): number {
  if ('const' in node) return JSON.stringify(node.const).length;
  if (node.enum) return Math.max(...node.enum.map((v) => JSON.stringify(v).length));
  const variants = node.anyOf ?? node.oneOf;
  if (variants) return Math.max(...variants.map((n, i) => maxBytes(n, `${where}|${i}`)));
  switch (node.type) {
    case 'string': {
      if (typeof node['maxLength'] !== 'number') throw new Error(`${where}: string without maxLength`);
      return node['maxLength'] + 2;
    }
    case 'integer':
    case 'number':
      return 17;
    case 'boolean':
      return 5;
    case 'null':
      return 4;
    case 'array': {
      if (typeof node['maxItems'] !== 'number') throw new Error(`${where}: array without maxItems`);
      return 2 + node['maxItems'] * (maxBytes(node.items ?? {}, `${where}[]`) + 1);
    }
    case 'object':
      return (
        2 + Object.entries(node.properties ?? {}).reduce((sum, [key, child]) => sum + key.length + 4 + maxBytes(child, `${where}.${key}`), 0)
      );
    default:
      throw new Error(`${where}: unbounded or unknown type ${String(node.type)}`);
  }
}

// Headers and Kafka's record overhead share the broker's ~1 MiB limit with the value.
const BUDGET = MAX_EVENT_BYTES - 64 * 1024;

describe('body size', () => {
  const kinds = TOPICS.flatMap((topic) => kindsOf(topic).map((k) => [`${topic.name} ${k.kind}`, k.schema] as const));

  it.each(kinds)('%s is bounded and its ASCII worst case fits one Kafka message', (name, schema) => {
    const sut = maxBytes(z.toJSONSchema(schema, { io: 'input' }) as Node, name);

    expect(sut).toBeLessThanOrEqual(BUDGET);
  });

  it('notices an unbounded field', () => {
    const unbounded = z.object({ kind: z.literal('x'), note: z.string() });

    expect(() => maxBytes(z.toJSONSchema(unbounded) as Node, 'x')).toThrow('x.note: string without maxLength');
  });
});
