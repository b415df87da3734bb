import { isInertJwt } from './jwt.js';
import { isWellKnownExample } from './well-known-examples.js';

/**
 * Values that look like a secret's slot rather than a secret: template expressions, environment
 * lookups, documentation examples and the usual "fill me in" words. Checked for every rule, so the
 * signals here must be strong enough never to hide a random token.
 */
const TEMPLATE = /\$\{[^}]{0,200}\}|\{\{[^}]{0,200}\}\}|\$\([^)]{0,200}\)|<%[^%]{0,200}%>|#\{[^}]{0,200}\}|%\([\w.-]{1,60}\)s|\{\{|\}\}|^\$[A-Za-z_][A-Za-z0-9_]{0,100}$|^%[A-Za-z_][A-Za-z0-9_]{0,100}%$|^<[^<>]{1,100}>$|^\[[^\]]{1,100}\]$|^\{[A-Za-z_][\w.-]{0,100}\}$/;

const LOOKUP = /(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv\(|System\.getenv|Environment\.GetEnvironmentVariable|ENV\[|env\(|secrets\.|vault:|ref\+|arn:aws:secretsmanager|valueFrom|secretKeyRef)/i;

/**
 * Words that, anywhere in a value, mean it is an example (documented example keys say EXAMPLE).
 * `devstoreaccount1` is the Azure storage emulator's fixed account: a connection string naming it
 * is a local-emulator setting.
 */
const EXAMPLE_WORDS = /example|placeholder|dummy|changeme|change_me|change-me|replace_?me|replace-me|your_|your-|yourkey|yoursecret|yourtoken|yourpassword|insert_?here|redacted|xxxxx|\*\*\*|\.\.\.|<redacted>|fake_?key|fake_?token|not[_-]?a[_-]?real|sample_?key|put_?your|devstoreaccount1/i;

const WHOLE_WORDS = new Set([
  'changeme', 'changeit', 'password', 'passwd', 'secret', 'token', 'apikey', 'api_key', 'null', 'none', 'nil',
  'undefined', 'true', 'false', 'todo', 'tbd', 'fixme', 'test', 'testing', 'xxx', 'empty', 'default', 'required',
  'optional', 'string', 'value', 'mypassword', 'mysecret', 'secretpassword', 'password123', 'letmein', 'admin',
  'root', 'pass', 'p@ssw0rd', 'p@ssword', 'passw0rd', 'qwerty', '123456', '12345678', 'foobar', 'foo', 'bar',
]);

/**
 * True when the value is a template expression, a lookup, an example or a placeholder word, a
 * vendor's documented sample credential, or a JWT that authenticates nothing.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (WHOLE_WORDS.has(v.toLowerCase())) return true;
  if (hasPlaceholderText(v)) return true;
  return hasLongRun(v) || hasLongSequence(v);
}

/**
 * The placeholder signals that hold for a value of any shape: template, lookup, example words, a
 * documented sample, an inert JWT. Multi-line values (a PEM body, whose structure has runs of `A`
 * and of indentation) use this instead of `isPlaceholder`.
 */
export function hasPlaceholderText(v: string): boolean {
  if (TEMPLATE.test(v) || LOOKUP.test(v) || EXAMPLE_WORDS.test(v)) return true;
  if (isWellKnownExample(v)) return true;
  return v.startsWith('eyJ') && isInertJwt(v);
}

/** Five or more of the same character in a row (`xxxxx`, `00000`): a random token almost never has it. */
function hasLongRun(v: string): boolean {
  let run = 1;
  for (let i = 1; i < v.length; i++) {
    if (v.charCodeAt(i) === v.charCodeAt(i - 1)) {
      if (++run >= 5) return true;
    } else run = 1;
  }
  return false;
}

/** Seven or more consecutive ascending characters (`1234567`, `abcdefg`), as in hand-typed fake keys. */
function hasLongSequence(v: string): boolean {
  let run = 1;
  for (let i = 1; i < v.length; i++) {
    if (v.charCodeAt(i) === v.charCodeAt(i - 1) + 1) {
      if (++run >= 7) return true;
    } else run = 1;
  }
  return false;
}
