import { allTopicSpecs } from '@portcullis/contracts';
import { type KafkaClient, readTopics } from '@portcullis/messaging';
import { createSecretScanner } from '@portcullis/secrets';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { type Pipeline } from './start-pipeline.js';

/** One place a text was read from, for the leak scan. */
export interface ScannedText {
  readonly where: string;
  readonly text: string;
}

/**
 * Every record of every topic the run created (main, retry and dead-letter topics), key, headers
 * and value, as text, one entry per topic.
 */
export async function kafkaTexts(kafka: KafkaClient, prefix: string): Promise<ScannedText[]> {
  const records = await readTopics(
    kafka,
    allTopicSpecs().map((t) => t.name),
    { topicPrefix: prefix, maxRecords: 1_000_000, idleMs: 3_000, timeoutMs: 120_000 },
  );
  const byTopic = new Map<string, string[]>();
  for (const r of records) {
    const list = byTopic.get(r.topic) ?? [];
    list.push([r.key ?? '', ...Object.entries(r.headers).map(([k, v]) => `${k}=${v}`), r.value?.toString() ?? ''].join('\n'));
    byTopic.set(r.topic, list);
  }
  return [...byTopic].map(([topic, texts]) => ({ where: `Kafka topic ${topic}`, text: texts.join('\n') }));
}

/** Dumps every key under a prefix and its value in one script run (SCAN inside Redis, no round trip per key). */
const DUMP_SCRIPT = `
local keys, values, cursor = {}, {}, '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1] .. '*', 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    local t = redis.call('TYPE', key)['ok']
    local v
    if t == 'string' then v = redis.call('GET', key)
    elseif t == 'hash' then v = table.concat(redis.call('HGETALL', key), ' ')
    elseif t == 'set' then v = table.concat(redis.call('SMEMBERS', key), ' ')
    elseif t == 'zset' then v = table.concat(redis.call('ZRANGE', key, 0, -1), ' ')
    elseif t == 'list' then v = table.concat(redis.call('LRANGE', key, 0, -1), ' ')
    else v = '(' .. t .. ')' end
    table.insert(keys, key)
    table.insert(values, v)
  end
until cursor == '0'
return table.concat(keys, '\\n') .. ARGV[2] .. table.concat(values, '\\n')
`;

/**
 * Every Redis key under the prefix and, apart, every value (strings, hashes, sets, sorted sets,
 * lists). Apart because keys (`<prefix>secret-ref-tip:<repo>:<ref>`) read as assignments to a
 * secret scanner; the literal check reads both.
 */
export function redisTexts(redisUrl: string, prefix: string): ScannedText[] {
  const split = `\n--- ${randomUUID()} ---\n`;
  const out = execFileSync('redis-cli', ['-u', redisUrl, '--no-auth-warning', 'EVAL', DUMP_SCRIPT, '0', prefix, split], { maxBuffer: 512 * 1024 * 1024 }).toString('utf8');
  const at = out.indexOf(split);
  if (at < 0) throw new Error(`redis-cli did not return the dump: ${out.slice(0, 200)}`);
  return [
    { where: 'Redis keys', text: out.slice(0, at) },
    { where: 'Redis values', text: out.slice(at + split.length) },
  ];
}

/** What the Slack and GitHub stand-ins hold: every message version, ephemeral, call and status. */
export function saasTexts(pipeline: Pipeline): ScannedText[] {
  // A stored message carries its earlier versions (`edits`).
  const versions = [...pipeline.slack.messages.values()].flatMap((channel) => [...channel.values()]);
  return [
    { where: 'Slack messages', text: JSON.stringify(versions) },
    { where: 'Slack ephemerals', text: JSON.stringify(pipeline.slack.ephemerals) },
    { where: 'Slack calls', text: JSON.stringify(pipeline.slack.calls) },
    { where: 'GitHub commit statuses', text: JSON.stringify(pipeline.github.statuses) },
    { where: 'GitHub calls', text: JSON.stringify(pipeline.github.calls) },
  ];
}

/** Everything the run wrote where a secret must never be: Kafka, Redis, the services' output, Slack and GitHub. */
export async function everythingWritten(pipeline: Pipeline): Promise<ScannedText[]> {
  return [
    ...(await kafkaTexts(pipeline.kafka, pipeline.prefix)),
    ...redisTexts(pipeline.stack.redisUrl, pipeline.prefix),
    { where: 'service output', text: pipeline.output().join('\n') },
    ...saasTexts(pipeline),
  ];
}

/** The places (never the values) where any planted value occurs literally. */
export function leaksIn(texts: readonly ScannedText[], planted: readonly string[]): string[] {
  return texts.filter((t) => planted.some((secret) => t.text.includes(secret))).map((t) => t.where);
}

/**
 * What the secret engine itself finds in the texts (`ruleId: preview`, per place), for values a
 * test did not plant, such as a credential a service echoed. Identifiers stored by design —
 * fingerprints and digests (64 hex), commit ids (40 hex), event ids (UUIDs) and the notifier's
 * outcome key (`"outcome":"secrets:fail\nenv:staging:blocked"`, which reads as `secrets: <value>`)
 * — look like high-entropy assignments and are masked for the engine only; the literal check
 * ({@link leaksIn}) sees them as they are. Pass keys and values apart: Redis keys
 * (`secret-ref-tip:<repo>:<ref>`) read as assignments too.
 */
export async function engineFindings(texts: readonly ScannedText[], fingerprintKey: string): Promise<{ where: string; findings: string[] }[]> {
  const scanner = createSecretScanner({ fingerprintKey: Buffer.from(fingerprintKey), workers: 0 });
  try {
    const found: { where: string; findings: string[] }[] = [];
    for (const { where, text } of texts) {
      const content = text
        .replace(/"outcome":"[a-z:_\\n-]*"/g, '"outcome":"<outcome>"')
        .replace(/\b[0-9a-f]{64}\b/g, '<hex64>')
        .replace(/\b[0-9a-f]{40}\b/g, '<commit>')
        .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>');
      const result = await scanner.scan({ path: `${where.replace(/\W+/g, '-')}.txt`, content });
      if (result.findings.length > 0) found.push({ where, findings: result.findings.map((f) => `${f.ruleId}: ${f.preview}`) });
    }
    return found;
  } finally {
    await scanner.close();
  }
}
