/**
 * What a JSON Web Token says about itself. Shared by the `jwt` rule and the placeholder check, so
 * the generic assignment rules (`test_token: "eyJ…"`) and the manifest analyser judge a token the
 * same way the dedicated rule does.
 */

const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]{2,4000}\.(?:eyJ)?[A-Za-z0-9_-]{0,8000}\.[A-Za-z0-9_-]{0,4000}$/;

/** The decoded header and payload of a compact JWS, or undefined when the value is not one. */
export interface DecodedJwt {
  readonly header: string;
  readonly payload: string;
  readonly signature: string;
}

export function decodeJwt(value: string): DecodedJwt | undefined {
  if (!value.startsWith('eyJ') || !JWT_SHAPE.test(value)) return undefined;
  const [header, payload, signature] = value.split('.');
  const h = decodeBase64Url(header);
  const p = decodeBase64Url(payload);
  if (h === undefined || p === undefined || !h.includes('"alg"')) return undefined;
  return { header: h, payload: p, signature };
}

/**
 * True for a token that authenticates nothing: `"alg": "none"` or an empty signature (RFC 7519
 * §6, "unsecured JWT": anyone can mint one, so it grants nothing a server should honour), and
 * jwt.io's sample token and its relatives pasted into countless READMEs.
 */
export function isInertJwt(value: string): boolean {
  const jwt = decodeJwt(value);
  if (jwt === undefined) return false;
  if (jwt.signature.length === 0 || /"alg"\s{0,5}:\s{0,5}"none"/i.test(jwt.header)) return true;
  return /John Doe|"sub"\s{0,5}:\s{0,5}"1234567890"|example\.com/i.test(jwt.payload);
}

function decodeBase64Url(value: string): string | undefined {
  if (value.length < 2 || value.length % 4 === 1) return undefined;
  return Buffer.from(value, 'base64url').toString('utf8');
}
