import { isCredentialName, isJwt, isSopsEncrypted, isTriviallyNonSecret, nameWords, significantWords } from './credential-names.js';

/*
 * Judging one entry of a manifest, key and value together.
 *
 * Objects an author declared secret (a Secret's `data`/`stringData`, a `secretGenerator`) routinely
 * carry the *coordinates* of a credential next to it — `username`, `host`, `port`, `database` — and
 * those are not leaks: a finding on each of them would bury the one that is. Such an entry is let go
 * only when its key clearly names something that is not a credential AND its value has the shape of
 * that thing; a value that merely looks like a setting (a boolean, a number, a log level) is let go
 * under any key that is not credential-like.
 *
 * Objects that are not secret (a workload `env`, a ConfigMap, a `configMapGenerator`) are judged the
 * other way round: only a credential-like name with a literal value is a finding.
 */

/** What a key's last significant word says its value is. */
type IdentifierKind = 'name' | 'host' | 'port' | 'url' | 'email' | 'id';

const KIND_BY_WORD = new Map<string, IdentifierKind>([
  ...words('name', 'user username usr login owner account database db dbname schema catalog keyspace name namespace cluster bucket queue topic exchange vhost table index project tenant org organization group team role region zone location environment stage profile mode level format'),
  ...words('host', 'host hostname hosts server servers address addr ip domain fqdn'),
  ...words('port', 'port'),
  ...words('url', 'url uri urls endpoint endpoints href link brokers broker'),
  ...words('email', 'email mail sender recipient'),
  ...words('id', 'id sid uid guid uuid'),
]);

/**
 * A name holding one of these words anywhere is never taken for an identifier: `secret_id` (Vault
 * AppRole), `token_url`, `key_name` may sit right next to a credential or be one.
 */
const CREDENTIAL_HINTS = /^(?:pass(?:word|wd|phrase)?|pwd|secrets?|tokens?|keys?|apikey|auth|credentials?|creds|private|cert|signature|sig|hmac|salt|pat|dsn)$/;

const IDENTIFIER = /^[A-Za-z0-9_][A-Za-z0-9_.@+\\/-]{0,127}$/;
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}$/;
const PORT = /^\d{1,5}$/;
/** `scheme://[user@]host[:port][/path][?query]`, without a password in the userinfo. */
const URL_WITHOUT_PASSWORD = /^[a-z][a-z0-9+.-]{0,30}:\/\/(?:[^\s:@/]{1,128}@)?[^\s@]{1,2048}$/i;
/** Booleans, log levels, environment names: one word, in one case. */
const SINGLE_WORD = /^(?:[a-z]{1,12}|[A-Z]{1,12})$/;

/** `scheme://user:password@host…`; the user may be empty (`redis://:password@host`). */
const URL_USERINFO = /^[a-z][a-z0-9+.-]{0,30}:\/\/([^\s:@/]{0,256}):([^\s@/]{1,512})@[^\s@]{1,2048}$/i;

/**
 * True when `value`, under `key`, is not a credential: a username, host, port, database, region,
 * plain URL, e-mail address or id written as one, or a plain setting under a name that is not
 * credential-like. Random-looking values are never let go, whatever the key (a generated
 * "username" is a credential in practice).
 */
export function isNonCredentialEntry(key: string, value: string): boolean {
  if (isCredentialName(key) || urlPassword(value) !== undefined) return false;
  const trimmed = value.trim();
  if (isSettingValue(trimmed)) return true;
  const kind = identifierKind(key);
  return kind !== undefined && valueFits(kind, trimmed);
}

/** The password of a `scheme://user:password@host` URL, or undefined. */
export function urlPassword(value: string): string | undefined {
  return URL_USERINFO.exec(value.trim())?.[2];
}

/**
 * A credential-like name with a literal value is a credential, unless the value is trivially not
 * one or is a JWT the content rules let go (an unsigned `alg: none` token, a documented example). A
 * URL with a password is a credential under any name.
 */
export function isCredentialLiteral(name: string, value: string, foundByContentRules: boolean): boolean {
  if (isSopsEncrypted(value)) return false;
  if (urlPassword(value) !== undefined) return true;
  if (!isCredentialName(name) || isTriviallyNonSecret(value)) return false;
  return foundByContentRules || !isJwt(value);
}

/** Booleans, numbers, durations, paths, plain URLs, secret-manager references, single words. */
function isSettingValue(value: string): boolean {
  return !value.includes('\n') && (isTriviallyNonSecret(value) || SINGLE_WORD.test(value)) && !looksRandom(value) && !hasCredentialParameter(value);
}

function identifierKind(key: string): IdentifierKind | undefined {
  if (nameWords(key).some((word) => CREDENTIAL_HINTS.test(word))) return undefined;
  const significant = significantWords(key);
  const last = significant[significant.length - 1];
  return last === undefined ? undefined : KIND_BY_WORD.get(last);
}

function valueFits(kind: IdentifierKind, value: string): boolean {
  switch (kind) {
    case 'port':
      return PORT.test(value);
    case 'email':
      return EMAIL.test(value) && !looksRandom(value);
    // Ids are random by construction (UUIDs, SIDs, client ids): their entropy says nothing. A
    // provider credential under an id-like name is still found by the content rules.
    case 'id':
      return IDENTIFIER.test(value);
    case 'name':
      return IDENTIFIER.test(value) && !looksRandom(value);
    case 'host':
      return everyItem(value, (item) => HOST.test(item)) && !looksRandom(value);
    case 'url':
      return everyItem(value, (item) => URL_WITHOUT_PASSWORD.test(item) || HOST.test(item)) && !looksRandom(value) && !hasCredentialParameter(value);
  }
}

/** `?token=…`, `&sig=…`: a URL that carries its own credential (a signed or capability URL). */
function hasCredentialParameter(url: string): boolean {
  for (const [, name] of url.matchAll(/[?&;]([^=&;#\s]{1,64})=/g)) {
    if (name !== undefined && (isCredentialName(name) || nameWords(name).some((word) => CREDENTIAL_HINTS.test(word)))) return true;
  }
  return false;
}

/** `a:9092,b:9092` lists hosts or URLs. */
function everyItem(value: string, test: (item: string) => boolean): boolean {
  const items = value.split(',').map((item) => item.trim());
  return items.length <= 64 && items.every((item) => item.length > 0 && test(item));
}

/**
 * A run of 16+ letters and digits that switches between lower case, upper case and digits all the
 * time: a token, not a hostname label or a username. Words switch rarely (`AccountsApplicationUser`,
 * `accountsapp2024`); a random base62 or hex string switches on about every second character.
 * `accounts_app`, `db-primary-1.eu-west-1` are not random; a webhook path segment, a generated
 * operator username or a hex digest are.
 */
export function looksRandom(value: string): boolean {
  for (const run of value.split(/[^A-Za-z0-9]+/)) {
    if (run.length >= 16 && classSwitches(run) >= run.length / 4 && entropy(run) >= 3) return true;
  }
  return false;
}

function classSwitches(run: string): number {
  const classOf = (char: string) => (char >= 'a' && char <= 'z' ? 0 : char >= 'A' && char <= 'Z' ? 1 : 2);
  let switches = 0;
  for (let index = 1; index < run.length; index += 1) {
    if (classOf(run[index] ?? '') !== classOf(run[index - 1] ?? '')) switches += 1;
  }
  return switches;
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function words(kind: IdentifierKind, list: string): [string, IdentifierKind][] {
  return list.split(' ').map((word) => [word, kind]);
}
