/** What a scrubbed secret is replaced with. */
export const REDACTED = '***';

const SECRET_QUERY_PARAMETERS = [
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'api[_-]?key',
  'key',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
];

// Credentials that have a recognisable shape, whether or not configuration declared them. Each
// keeps enough around the secret for the line to stay useful (scheme, user, host, parameter name).
const CREDENTIAL_SHAPES: readonly (readonly [RegExp, string])[] = [
  // scheme://user:password@host → scheme://user:***@host. The password may contain an unencoded "@",
  // so it runs to the last "@" before the path.
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"'?#]*):([^\s/"'?#]+)@/gi, `$1$2:${REDACTED}@`],
  // scheme://token@host: a lone user name in a URL is usually a token (https://ghp_…@github.com).
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/"'?#]+)@/gi, `$1${REDACTED}@`],
  // ?token=…, &X-Amz-Signature=…: signed and token-bearing URLs.
  [new RegExp(`([?&](?:${SECRET_QUERY_PARAMETERS.join('|')})=)[^&\\s"'#]+`, 'gi'), `$1${REDACTED}`],
  // Authorization header values that slipped into a message.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
];

function escapeForRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * Removes secrets from text: every configured sensitive value (see `sensitiveValues` in
 * @portcullis/config) and credential-shaped parts of URLs and headers. The logger runs it on each
 * finished JSON line, so it covers messages, nested fields and error stacks alike.
 */
export class LogScrubber {
  private secrets: RegExp | undefined;
  private readonly forms = new Set<string>();

  constructor(sensitiveValues: readonly string[] = []) {
    this.add(sensitiveValues);
  }

  /**
   * Adds secrets learned after start-up (e.g. webhook secrets read from files a service loads in
   * its module), so the one process logger keeps scrubbing everything.
   */
  add(sensitiveValues: readonly string[]): void {
    for (const value of sensitiveValues) {
      if (value === '') continue;
      this.forms.add(value);
      // Inside a JSON line the value appears escaped ("\"", "\\", "\n"); match that spelling too.
      this.forms.add(JSON.stringify(value).slice(1, -1));
    }
    // Longest first, so a secret that contains another is removed whole.
    const alternatives = [...this.forms].sort((a, b) => b.length - a.length).map(escapeForRegExp);
    this.secrets = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;
  }

  /** The text with every secret replaced by `***`. */
  scrub(text: string): string {
    let out = this.secrets ? text.replace(this.secrets, REDACTED) : text;
    for (const [pattern, replacement] of CREDENTIAL_SHAPES) out = out.replace(pattern, replacement);
    return out;
  }

  /**
   * A copy of a value with every string in it scrubbed (objects, arrays and errors are walked), for
   * data that leaves the process by another way than the logger: DLQ headers, HTTP bodies.
   */
  scrubValue<T>(value: T): T {
    return this.walk(value, new WeakMap()) as T;
  }

  private walk(value: unknown, seen: WeakMap<object, unknown>): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (typeof value !== 'object' || value === null) return value;
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(this.walk(item, seen));
      return copy;
    }
    if (value instanceof Error) {
      // Same prototype and property flags (message, stack and cause are own, non-enumerable), so the
      // copy still serializes and prints like the original error.
      const copy = Object.create(Object.getPrototypeOf(value) as object | null) as Error;
      seen.set(value, copy);
      for (const key of Reflect.ownKeys(value)) {
        const descriptor = Object.getOwnPropertyDescriptor(value, key);
        if (descriptor === undefined) continue;
        // V8 may expose `stack` as an accessor bound to the original's internals; copy its value.
        const field: unknown = 'value' in descriptor ? descriptor.value : Reflect.get(value, key);
        Object.defineProperty(copy, key, {
          value: this.walk(field, seen),
          writable: true,
          configurable: true,
          enumerable: descriptor.enumerable ?? false,
        });
      }
      return copy;
    }
    const prototype = Object.getPrototypeOf(value) as object | null;
    // Only plain data is rebuilt; a Date, Buffer or class instance is passed through as it is.
    if (prototype !== Object.prototype && prototype !== null) return value;
    const copy: Record<string, unknown> = {};
    seen.set(value, copy);
    for (const [key, field] of Object.entries(value)) copy[key] = this.walk(field, seen);
    return copy;
  }
}
