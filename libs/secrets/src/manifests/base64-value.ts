/** What a Secret's `data` value decodes to. */
export type DecodedValue =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly base64: string }
  | { readonly kind: 'invalid' };

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a Kubernetes base64 value (standard alphabet, padded; line breaks allowed as YAML folds
 * them). Values longer than `maxDecodedLength` are reported as binary: still a leak, but not handed
 * to the content rules.
 */
export function decodeBase64Value(encoded: string, maxDecodedLength: number): DecodedValue {
  const compact = encoded.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !STANDARD_BASE64.test(compact)) return { kind: 'invalid' };
  if ((compact.length / 4) * 3 > maxDecodedLength) return { kind: 'binary', base64: compact };
  const bytes = Buffer.from(compact, 'base64');
  try {
    const text = utf8.decode(bytes);
    return hasControlCharacters(text) ? { kind: 'binary', base64: compact } : { kind: 'text', text };
  } catch {
    return { kind: 'binary', base64: compact };
  }
}

/** Decodes a base64 string that should hold UTF-8 text (a docker `auth`), or undefined. */
export function decodeBase64Text(encoded: string, maxDecodedLength: number): string | undefined {
  const decoded = decodeBase64Value(encoded, maxDecodedLength);
  return decoded.kind === 'text' ? decoded.text : undefined;
}

/** Text never holds C0 controls other than tab, line feed, vertical tab, form feed and carriage return, nor DEL. */
function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x09 || (code > 0x0d && code < 0x20) || code === 0x7f) return true;
  }
  return false;
}
