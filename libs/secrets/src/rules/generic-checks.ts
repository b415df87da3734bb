import { shannonEntropy } from '../engine/entropy.js';
import { isPlaceholder } from '../engine/placeholders.js';

/**
 * The checks behind the generic assignment rules (`password = …`, `api_key: …`). A key word alone
 * says little, so the value must look like a credential: not code, not a path, not a name, not a
 * placeholder, and random enough.
 */

/** Key names that hold something about a secret, not the secret (`token_type`, `secretName`, `passwordHash`). */
const NON_SECRET_KEY =
  /(?:name|names|type|types|id|ids|url|uri|urls|path|paths|file|filename|dir|length|len|size|count|policy|field|fields|label|header|prefix|suffix|format|ref|regex|pattern|hint|min|max|enabled|required|expiry|expires|expiration|timeout|ttl|mode|version|hash|hashed|sha|sha1|sha256|checksum|digest|integrity|algorithm|alg|endpoint|host|user|username|env|provider|store|storage|manager|method|scope|scopes|audience|issuer|location|index|limit|lifetime|rotation|source|target|template|validator|validation|class|kind|usage|description|message|text|error|example|sample|mock|fake|dummy|placeholder|input|param|params|column|reset|confirm|confirmation|policy|rule|rules|strength|encoder|generator|service|client|api)$/;

/**
 * Key names with a credential word that name an identifier, not a credential: `idempotency_key`,
 * `cache_key`, `partition_key`, an AMQP `routing_key`, a reCAPTCHA / hCaptcha / Turnstile
 * `site_key` (public by design: it is served to every browser), a key's `fingerprint`, and
 * pagination or cancellation tokens (`next_page_token`, `cancellationToken`).
 */
const IDENTIFIER_KEY =
  /(?:cache|idempotency|idempotence|dedupe|dedup|deduplication|partition|sort|foreign|routing|object|lookup|map|i18n|translation|message|event|group|correlation|site)keys?$|(?:fingerprint|thumbprint|kid)$|(?:page|nextpage|continuation|sync|resume|pagination|cancellation|cancel)tokens?$/;

/** Words a generic value never contains when it is a real credential (documentation, fixtures). */
export const GENERIC_STOPWORDS: readonly string[] = [
  'example', 'sample', 'placeholder', 'dummy', 'changeme', 'change_me', 'replace', 'your_', 'your-', 'yourpassword',
  'insert', 'redacted', 'xxxx', 'todo', 'fixme', 'notreal', 'not_real', 'not-real', 'fake', 'mock', 'lorem', 'ipsum',
  'password', 'secret', 'token', 'passwd', 'undefined', 'null', 'localhost', 'foobar', 'hunter2', 'correcthorse',
  'testing', 'test123', 'qwerty', 'abc123', 'letmein', 'default', 'required', 'optional',
];

const MEMBER_ACCESS = /^[A-Za-z_$][\w$]{0,100}(?:(?:\.|::|->|\?\.)[A-Za-z_$][\w$]{0,100}){1,20}(?:\(|\[|$)/;
const CALL = /^[A-Za-z_$][\w$.]{0,100}\(/;
const WORDY = /^(?:[a-z]{1,40}(?:[_\-.][a-z0-9]{1,40}){0,10}|[A-Z]{1,40}(?:[_\-.][A-Z0-9]{1,40}){0,10}|[a-z]{1,40}(?:[A-Z][a-z0-9]{1,40}){1,10}|[A-Z][a-z]{1,40}(?:[A-Z][a-z0-9]{1,40}){0,10})$/;
const KEBAB_NAME = /^[a-z0-9]{1,40}(?:[-.][a-z0-9]{1,40}){1,10}$/;
const PATH_OR_URL = /^(?:\/|\.\.?\/|~\/|[A-Za-z]:\\)|:\/\//;
const DIGITS_OR_DATE = /^[0-9\s.:/+-]{1,300}$/;
const VERSION = /^[v^~]?\d{1,5}(?:\.\d{1,5}){1,4}(?:[-+][\w.]{1,40})?$/;
/** A digest named by its algorithm: subresource integrity (`sha384-…`), an OCI digest (`sha256:…`). */
const ALGORITHM_DIGEST = /^(?:sha(?:1|224|256|384|512)|md5|blake2b|blake3)[-:][A-Za-z0-9+/=_-]{16,200}$/i;
const NAMESPACED_ID = /^[A-Za-z][A-Za-z_-]{0,40}[:/](?:[0-9a-f]{8,128}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,20})$/i;
/**
 * A YAML alias or anchor (`*db_password`, `&creds`), a YAML / CloudFormation tag (`!Ref`, `!!str`),
 * a negation or a decorator (`!isEnabled`, `@Value`): an operator in front of a name. A random
 * value that merely starts with one of these characters (`*51Yw…#ix^…`) is no expression.
 */
const OPERATOR_ON_NAME = /^(?:[!&*@~]{1,2}|\^)[A-Za-z_$][\w$.-]{0,100}$/;

/** A key that is a file name (`"service-kit.tokens.ts": "<hash>"` in a cache manifest). */
const FILE_NAME_KEY = /\.(?:[cm]?[jt]sx?|json|ya?ml|py|go|rb|java|kt|rs|php|cs|md|txt|html|css|scss|xml|lock|sh|map)["'`]?$/i;

/** Source files: an unquoted right-hand side there is an expression, never a literal secret. */
const CODE_FILE = /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|rb|php|cs|rs|swift|c|cc|cpp|h|hpp|m|dart|lua|groovy|vue|svelte)$/i;

/** True when a bare (unquoted) value in this file is code rather than configuration. */
export function isCodeFile(path: string): boolean {
  return CODE_FILE.test(path);
}

/** True when the key name (left of the assignment) is about a secret rather than holding one. */
export function isNonSecretKey(key: string): boolean {
  if (FILE_NAME_KEY.test(key)) return true;
  const normalised = key.replace(/["'`]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
  return NON_SECRET_KEY.test(normalised) || IDENTIFIER_KEY.test(normalised);
}

/** Built JavaScript: minified or bundled output (`main.3f9a1c.js`, `vendor.min.js`, `dist/…/*.js`). */
const BUNDLED_FILE = /\.(?:min|chunk|bundle)\.[cm]?js$|(?:^|\/)(?:dist|build)\/(?:[^/]{1,200}\/){0,20}[^/]{1,200}\.[cm]?js$/;

/** True when the file is generated JavaScript (a build's output), where inlined data is no configuration. */
export function isBundledFile(path: string): boolean {
  return BUNDLED_FILE.test(path);
}

const UUID_VALUE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID or a bare hex digest (MD5, SHA-1, SHA-256 length): what ids and content hashes look like. */
export function isIdentifierShape(value: string): boolean {
  return UUID_VALUE.test(value) || /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/i.test(value);
}

/** True when the key name is just `key` (or `keys`), with nothing saying what kind. */
export function isBareKey(key: string): boolean {
  return /^["'`]?[-_.]{0,2}keys?["'`]?$/i.test(key);
}

/**
 * Random in more than one way: at least three character classes (`vj2V*OYq…`), or hex of 32 to 128
 * characters; not a UUID or a namespaced id. What a key is, as opposed to an identifier or a name.
 */
export function looksLikeKeyMaterial(value: string): boolean {
  // `policy:3f9a…`, `user/42`: a namespaced id (a cache key, a resource name). Only under a bare `key`:
  // elsewhere `name:<hex>` may be `user:token` credentials.
  if (UUID_VALUE.test(value) || NAMESPACED_ID.test(value)) return false;
  if (/^[0-9a-f]{32,128}$/i.test(value)) return true;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (/[^A-Za-z0-9]/.test(value)) classes++;
  return classes >= 3;
}

/** True when the value is code, a path, a name, a number or a placeholder rather than a credential. */
export function isNonSecretValue(value: string): boolean {
  const v = value.trim();
  if (isPlaceholder(v)) return true;
  if (MEMBER_ACCESS.test(v) || CALL.test(v) || WORDY.test(v)) return true;
  // `my-app-secret`, `db.credentials`: a name. A lower-case UUID or hex key has the same shape, so hex is kept.
  if (KEBAB_NAME.test(v) && !/^[0-9a-f.-]+$/.test(v)) return true;
  if (PATH_OR_URL.test(v) || DIGITS_OR_DATE.test(v) || VERSION.test(v) || ALGORITHM_DIGEST.test(v)) return true;
  // `${…}` inside, `%s`/`{0}` format slots, or a sentence.
  if (/\$\{|%[sd]|\{\d\}|\{\w{0,40}\}/.test(v)) return true;
  // Letters only and short: a word or an identifier (random letter-only tokens have provider rules).
  if (/^[A-Za-z]{1,19}$/.test(v)) return true;
  // No digit, and words joined by separators: a name (`kafka_receivedMessageKey`, `chai/deep-eql__`).
  if (/^[A-Za-z_./-]{1,60}$/.test(v) && /[_./-]/.test(v)) return true;
  // A file name or path with an extension (`.github/workflows/ci.yml:upload`).
  if (/(?:^|[/\\])[\w.-]{1,100}\.(?:ya?ml|json|[cm]?[jt]sx?|py|go|rb|java|xml|html?|md|txt|sh|conf|cfg|ini|toml|lock|png|jpe?g|svg|pem|crt|key)(?![A-Za-z0-9])/i.test(v)) return true;
  // Negations, references and operators: an expression.
  if (OPERATOR_ON_NAME.test(v) || /&&|\|\||=>/.test(v)) return true;
  // An /etc/passwd line (`root:x:0:0:root:/root:/bin/sh`): user names and ids, the password is elsewhere.
  if (PASSWD_LINE.test(v)) return true;
  return false;
}

/** name:password-placeholder:uid:gid: — the shape of passwd(5), whose password field is `x` or locked. */
const PASSWD_LINE = /^[a-z_][a-z0-9_.-]{0,31}:[x*!]{0,2}:\d{1,10}:\d{1,10}:/;

/** Value rules for a password-like key: at least 8 characters, two character classes, entropy > 3. */
export function looksLikePassword(value: string): boolean {
  if (value.length < 8 || value.split(' ').length > 2) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (/[^A-Za-z0-9]/.test(value)) classes++;
  return classes >= 2 && shannonEntropy(value) > 3.0;
}

/** Value rules for a token/secret/key: at least 12 characters, no spaces, random enough for its length. */
export function looksLikeToken(value: string): boolean {
  if (value.length < 12 || /\s/.test(value)) return false;
  const entropy = shannonEntropy(value);
  return value.length >= 16 ? entropy > 3.5 : entropy > 3.2;
}

/** Decodes base64 (standard or URL alphabet) to text, or undefined when it is not valid base64. */
export function decodeBase64(value: string): string | undefined {
  const clean = value.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]{2,}={0,2}$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64').toString('utf8');
}

/** True when base64 decodes to printable `user:password`. */
export function isBase64Credentials(value: string): boolean {
  const decoded = decodeBase64(value);
  if (decoded === undefined) return false;
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}
