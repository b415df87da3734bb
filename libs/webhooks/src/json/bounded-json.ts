/** Why a body was refused before or during parsing. Safe to return to the sender; echoes nothing of the body. */
export type BoundedJsonErrorCode = 'TOO_DEEP' | 'ARRAY_TOO_LONG' | 'TOO_MANY_KEYS' | 'INVALID_ENCODING' | 'INVALID_JSON';

export interface BoundedJsonLimits {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Most elements in any one array. */
  readonly maxArrayLength: number;
  /** Most keys in any one object. */
  readonly maxKeys: number;
}

/** Roomy for every real webhook (GitHub's push with 2048 commits is depth ~6) and tight for hostile ones. */
export const DEFAULT_JSON_LIMITS: BoundedJsonLimits = Object.freeze({ maxDepth: 64, maxArrayLength: 10_000, maxKeys: 1_000 });

export type BoundedJsonResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: BoundedJsonErrorCode; readonly message: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function fail(code: BoundedJsonErrorCode, message: string): BoundedJsonResult {
  return { ok: false, code, message };
}

/**
 * One pass over the bytes, in a loop with fixed-size state, that enforces the limits before
 * `JSON.parse` ever sees the body: a hostile body then costs O(n) time and O(maxDepth) memory,
 * and never a deep recursion (V8's parser and any recursive walker over the result would throw
 * `RangeError` or build a huge object graph). It does not validate JSON; `JSON.parse` does that
 * afterwards on bodies that passed. Multi-byte UTF-8 sequences only contain bytes ≥ 0x80, so
 * scanning bytes for ASCII structure characters is exact.
 */
function scan(bytes: Uint8Array, limits: BoundedJsonLimits): BoundedJsonResult | undefined {
  // Per open container: is it an array, how many members so far, is a member expected next.
  const isArray: boolean[] = [];
  const members: number[] = [];
  const awaitingMember: boolean[] = [];
  let inString = false;
  let escaped = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) inString = false;
      continue;
    }
    if (isWhitespace(byte)) continue;
    const top = isArray.length - 1;
    if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      isArray.pop();
      members.pop();
      awaitingMember.pop();
      continue;
    }
    if (byte === COMMA) {
      if (top >= 0) awaitingMember[top] = true;
      continue;
    }
    if (byte === COLON) continue;
    // Any other byte starts (or continues) a value or key: count it once for its container.
    if (top >= 0 && awaitingMember[top] === true) {
      awaitingMember[top] = false;
      const count = (members[top] as number) + 1;
      members[top] = count;
      if (isArray[top] === true && count > limits.maxArrayLength) {
        return fail('ARRAY_TOO_LONG', `an array has more than ${limits.maxArrayLength} elements`);
      }
      if (isArray[top] === false && count > limits.maxKeys) {
        return fail('TOO_MANY_KEYS', `an object has more than ${limits.maxKeys} keys`);
      }
    }
    if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (isArray.length >= limits.maxDepth) return fail('TOO_DEEP', `nesting deeper than ${limits.maxDepth} levels`);
      isArray.push(byte === OPEN_ARRAY);
      members.push(0);
      awaitingMember.push(true);
    }
  }
  return undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Parses an untrusted JSON body within limits. Call it only after the signature was verified (a
 * forged body must cost a hash, not a parse) and after the size limit was enforced by the edge.
 */
export function parseBoundedJson(body: Uint8Array, limits: Partial<BoundedJsonLimits> = {}): BoundedJsonResult {
  const effective: BoundedJsonLimits = { ...DEFAULT_JSON_LIMITS, ...limits };
  const refused = scan(body, effective);
  if (refused !== undefined) return refused;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return fail('INVALID_ENCODING', 'body is not valid UTF-8');
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // The parser's message quotes the offending text; it stays out of the result.
    return fail('INVALID_JSON', 'body is not valid JSON');
  }
}
