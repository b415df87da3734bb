import { AuditResults, decodeEvent, RegistryEvents, ScmEvents } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { poisonMessages, poisonOf } from './poison.js';

const TOPICS = { [ScmEvents.name]: ScmEvents, [RegistryEvents.name]: RegistryEvents, [AuditResults.name]: AuditResults };

describe('poisonMessages', () => {
  it('builds each kind for each poisoned topic, every one refused by the consumers’ decoder with the code its kind names', () => {
    const sut = poisonMessages(2);
    expect(sut).toHaveLength(3 * 3 * 2);
    const codes = sut.map((m) => {
      const decoded = decodeEvent(TOPICS[m.topic]!, { headers: { ...m.headers }, value: m.value });
      return [m.topic, m.kind, decoded.ok ? 'decoded' : decoded.code];
    });
    for (const topic of Object.keys(TOPICS)) {
      expect(codes.filter(([t]) => t === topic)).toEqual(
        expect.arrayContaining([
          [topic, 'undecodable', 'BAD_JSON'],
          [topic, 'schema-invalid', 'SCHEMA'],
          [topic, 'no-headers', 'MISSING_HEADER'],
        ]),
      );
    }
    expect(codes.filter(([, , code]) => code === 'decoded')).toEqual([]);
    expect(new Set(sut.map((m) => m.marker)).size).toBe(sut.length);
  });

  it('names every consumer of the topic as one that must dead-letter it', () => {
    expect(poisonMessages(1).find((m) => m.topic === ScmEvents.name)!.consumedBy).toEqual(ScmEvents.consumedBy);
  });
});

describe('poisonOf', () => {
  it('recognises a dead letter by its event id, or by the marker in a header-less value', () => {
    const sent = poisonMessages(1);
    const headerless = sent.find((m) => m.kind === 'no-headers')!;
    const record = { topic: 't', partition: 0, offset: '1', key: undefined, headers: {}, timestamp: '0' };
    expect(poisonOf({ eventId: sent[0]!.marker, record: { ...record, value: null } }, sent)).toBe(sent[0]);
    expect(poisonOf({ eventId: undefined, record: { ...record, value: headerless.value } }, sent)).toBe(headerless);
    expect(poisonOf({ eventId: 'evt-real', record: { ...record, value: Buffer.from('{"kind":"push"}') } }, sent)).toBeUndefined();
  });
});
