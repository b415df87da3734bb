import { createHmac } from 'node:crypto';

/** Longest preview a finding carries. */
export const MAX_PREVIEW_LENGTH = 120;
const MASK = '***';
/** A secret keeps leading characters in its preview only when at least this many stay hidden. */
const MIN_HIDDEN = 16;

/**
 * HMAC-SHA256 of the secret under the platform key, hex. Keyed so that a short password cannot be
 * recovered from its fingerprint by hashing guesses: that needs the key too.
 */
export function fingerprintOf(key: Uint8Array, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}

/**
 * The secret as shown in a preview: at most `reveal` leading characters (a provider's public prefix
 * such as `ghp_`) and only when at least 16 characters stay hidden, then `***`. Short secrets are
 * fully masked.
 */
export function maskSecret(secret: string, reveal: number): string {
  const shown = reveal > 0 && secret.length - reveal >= MIN_HIDDEN ? secret.slice(0, reveal) : '';
  return printable(shown) + MASK;
}

/**
 * A one-line preview: the text before the secret (its last characters), the masked secret, and the
 * start of the text after it. Falls back to the mask alone if the secret would show through (the
 * secret repeated in its own context).
 */
export function previewOf(before: string, secret: string, after: string, reveal: number): string {
  const masked = maskSecret(secret, reveal);
  let tail = printable(after).slice(0, 24);
  let head = printable(before);
  const room = MAX_PREVIEW_LENGTH - masked.length - tail.length;
  if (head.length > room) head = head.slice(head.length - Math.max(0, room));
  if (head.length + masked.length + tail.length > MAX_PREVIEW_LENGTH) tail = '';
  const preview = (head + masked + tail).slice(0, MAX_PREVIEW_LENGTH);
  return secret.length >= 4 && (preview.includes(secret) || leaksInner(preview, secret)) ? masked : preview;
}

/** Whether a long-enough piece of the hidden part of the secret appears in the preview. */
function leaksInner(preview: string, secret: string): boolean {
  if (secret.length < 12) return false;
  const probe = secret.slice(secret.length - 8);
  return preview.includes(probe);
}

function printable(text: string): string {
  // Newlines and control characters would break a one-line preview (and a log line).
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}
