/**
 * Why a delivery failed authentication. Deliberately coarse: it is safe to log and to return in
 * an HTTP body, and it never carries a secret, the expected digest or the received signature.
 * - `missing`: the header the source must send is absent (or sent twice).
 * - `mismatch`: a credential was sent but none of the active secrets produce it.
 * - `stale`: authentic, but outside the replay window (CI builds only).
 */
export type VerificationFailure = 'missing' | 'mismatch' | 'stale';

/** Outcome of verifying one delivery. */
export type VerificationResult = { readonly ok: true } | { readonly ok: false; readonly reason: VerificationFailure };

/**
 * The secrets active for one source. More than one during a rotation window: the old and the new
 * value are both accepted until the old one is removed from configuration. Empty means nothing is
 * accepted (fail closed).
 */
export type ActiveSecrets = readonly string[];

export const VERIFIED: VerificationResult = Object.freeze({ ok: true });

export function rejected(reason: VerificationFailure): VerificationResult {
  return { ok: false, reason };
}
