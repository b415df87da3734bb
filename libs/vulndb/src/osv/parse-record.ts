import { OSV_LIMITS, OsvRecord } from './osv.schema.js';

/** Why one input was not accepted. Never contains record content beyond its id. */
export interface RecordIssue {
  /** The record id when it could be read, else `undefined`. */
  readonly id: string | undefined;
  /** File or zip entry the record came from. */
  readonly source: string;
  /** `too-large`, `not-json`, `invalid` (schema), `duplicate` or `bad-range`. */
  readonly kind: 'too-large' | 'not-json' | 'invalid' | 'duplicate' | 'bad-range';
  /** One line: what was wrong, with schema paths, never values. */
  readonly reason: string;
}

export type ParsedRecord = { ok: true; record: OsvRecord } | { ok: false; issue: RecordIssue };

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' && id.length <= OSV_LIMITS.maxShortString ? id : undefined;
}

/** Parses and validates one OSV JSON document. Never throws. */
export function parseOsvRecord(bytes: Uint8Array | string, source: string): ParsedRecord {
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
  if (size > OSV_LIMITS.maxRecordBytes) {
    return { ok: false, issue: { id: undefined, source, kind: 'too-large', reason: `${size} bytes > ${OSV_LIMITS.maxRecordBytes}` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return { ok: false, issue: { id: undefined, source, kind: 'not-json', reason: 'not valid JSON' } };
  }
  const parsed = OsvRecord.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, issue: { id: idOf(json), source, kind: 'invalid', reason: first.join('; ') } };
  }
  return { ok: true, record: parsed.data };
}
