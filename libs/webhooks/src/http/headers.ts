/**
 * Request headers as Node and Fastify hand them over: lower-case names, a value, an array for a
 * repeated header, or nothing.
 */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The single value of a header, looked up case-insensitively. A header sent more than once is
 * treated as absent: two signatures or two delivery ids are ambiguous, and picking one would let a
 * proxy or an attacker choose which one we trust.
 */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  let value = headers[lower];
  if (value === undefined) {
    // Callers outside Node (tests, the CLI) may pass canonical casing.
    const key = Object.keys(headers).find((k) => k.toLowerCase() === lower);
    value = key === undefined ? undefined : headers[key];
  }
  if (typeof value === 'string') return value;
  if (value !== undefined && value.length === 1) return value[0];
  return undefined;
}
