/**
 * Judging a key by its name: `DB_PASSWORD`, `apiKey`, `spring.datasource.password`, `PGPASSWORD` are
 * credentials; `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `AWS_ACCESS_KEY_ID` name something else.
 * The *last* meaningful word decides, so a credential word followed by a qualifier (`_FILE`, `_TTL`)
 * is not one.
 */

/** Words that, as the last word of a name, make it a credential. */
const CREDENTIAL_WORDS = new Set([
  'password', 'passwd', 'passphrase', 'pwd', 'pass', 'secret', 'secrets', 'token', 'tokens', 'credential',
  'credentials', 'creds', 'auth', 'authorization', 'dsn', 'apikey', 'pat',
]);

/** A last word that *ends with* one of these is a credential too (`pgpassword`, `authtoken`, `clientsecret`). */
const CREDENTIAL_SUFFIXES = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'credentials'];

/** Two last words that make a credential. */
const CREDENTIAL_PAIRS = new Set([
  'api key', 'access key', 'secret key', 'private key', 'signing key', 'encryption key', 'master key',
  'account key', 'service key', 'auth key', 'session key', 'shared key', 'hmac key', 'jwt key', 'ssh key',
  'license key', 'connection string', 'conn string', 'client key',
]);

/** Trailing words that qualify without changing what the value is (`SECRET_KEY_BASE`, `DB_PASSWORD_2`). */
const NEUTRAL_TRAILERS = new Set([
  'base', 'value', 'raw', 'plain', 'plaintext', 'b64', 'base64', 'prod', 'production', 'dev', 'staging',
  'test', 'old', 'new', 'primary', 'secondary', 'current', 'previous', 'next', 'override', 'default',
]);

/** Splits `dbPassword`, `DB_PASSWORD`, `spring.datasource.password`, `APIKey` into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** The words of a name without qualifiers that do not change what it names (`DB_HOST_PROD` → `db host`). */
export function significantWords(name: string): string[] {
  const words = nameWords(name);
  while (words.length > 1) {
    const last = words[words.length - 1] ?? '';
    if (!NEUTRAL_TRAILERS.has(last) && !/^v?\d+$/.test(last)) break;
    words.pop();
  }
  return words;
}

export function isCredentialName(name: string): boolean {
  const words = significantWords(name);
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (CREDENTIAL_WORDS.has(last) || CREDENTIAL_SUFFIXES.some((suffix) => last.endsWith(suffix))) return true;
  const before = words[words.length - 2];
  return before !== undefined && CREDENTIAL_PAIRS.has(`${before} ${last}`);
}

const NON_SECRET_WORDS = /^(?:true|false|yes|no|on|off|null|nil|none|~|enabled|disabled|required|optional)$/i;
const NUMBER_OR_DURATION = /^[-+]?(?:\d+|\d*\.\d+)(?:ms|s|m|h|d)?$/i;
const FILE_PATH = /^(?:\/|\.{1,2}\/|~\/|file:)\S*$/;
const URL_WITHOUT_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^\s@]*$/i;
/** References resolved at deploy time by a secret manager or an env expansion, not values. */
const SECRET_REFERENCE =
  /^(?:vault:|ref\+[a-z0-9]+:\/\/|op:\/\/|arn:aws[a-z-]*:(?:secretsmanager|ssm):|projects\/[^/\s]+\/secrets\/|\$\([A-Za-z_][A-Za-z0-9_]*\)$|<path:[^>]+>$)/;
/** `<your-password-here>`: documentation, not a value. */
const ANGLE_PLACEHOLDER = /^<[^<>\n]+>$/;
/** SOPS leaves `ENC[AES256_GCM,data:…,type:str]` in place of every value it encrypts. */
const SOPS_ENCRYPTED = /^ENC\[[A-Z0-9_]+,/;

/**
 * Values that, even under a credential-like name, are not one: booleans, numbers, durations,
 * file paths (`/var/run/secrets/…`), URLs without credentials, secret-manager references, very short words.
 */
export function isTriviallyNonSecret(value: string): boolean {
  const trimmed = value.trim();
  return (
    trimmed.length < 4 ||
    NON_SECRET_WORDS.test(trimmed) ||
    NUMBER_OR_DURATION.test(trimmed) ||
    FILE_PATH.test(trimmed) ||
    URL_WITHOUT_USERINFO.test(trimmed) ||
    SECRET_REFERENCE.test(trimmed) ||
    ANGLE_PLACEHOLDER.test(trimmed)
  );
}

/** Encrypted in place by SOPS (a partial file, or one whose `sops:` block was cut off). */
export function isSopsEncrypted(value: string): boolean {
  return SOPS_ENCRYPTED.test(value.trim());
}

/** A JSON Web Token: base64url header and payload (both JSON objects, so `eyJ`), and a signature. */
const JWT = /^eyJ[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{4,16384}\.[A-Za-z0-9_-]{0,4096}$/;

/** True for a value in JWT form; the content rules know which JWTs are credentials. */
export function isJwt(value: string): boolean {
  return JWT.test(value.trim());
}
