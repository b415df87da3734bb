/** One authentication challenge from a `WWW-Authenticate` header. */
export interface AuthChallenge {
  /** Lower-cased scheme: `basic`, `bearer`, … */
  scheme: string;
  /** Lower-cased parameter names → values (`realm`, `service`, `scope`, `error`). */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+\-.^_`|~0-9A-Za-z]+/y;

/**
 * Parses a `WWW-Authenticate` value (RFC 9110 §11.6.1) into its challenges, e.g.
 * `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"`.
 * Tolerant of spacing and of several challenges in one header; a malformed tail is ignored
 * rather than thrown, since the caller then simply has no usable challenge.
 */
export function parseAuthChallenges(header: string | undefined): AuthChallenge[] {
  if (!header) return [];
  const input = header.slice(0, 8_192);
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < input.length && (input[i] === ' ' || input[i] === '\t')) i++;
  };
  const token = (): string | undefined => {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(input);
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  while (i < input.length) {
    skipSpace();
    while (input[i] === ',') {
      i++;
      skipSpace();
    }
    const scheme = token();
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    // auth-params: name=value or name="quoted", comma separated, until the next scheme
    for (;;) {
      skipSpace();
      const save = i;
      const name = token();
      if (!name) break;
      skipSpace();
      if (input[i] !== '=') {
        i = save; // a new scheme starts here
        break;
      }
      i++;
      skipSpace();
      let value = '';
      if (input[i] === '"') {
        i++;
        while (i < input.length && input[i] !== '"') {
          if (input[i] === '\\' && i + 1 < input.length) i++;
          value += input[i];
          i++;
        }
        i++;
      } else {
        // RFC 9110 wants a token here; be lenient (some servers send unquoted URLs)
        while (i < input.length && input[i] !== ',' && input[i] !== ' ' && input[i] !== '\t') value += input[i++];
      }
      challenge.params[name.toLowerCase()] = value;
      skipSpace();
      if (input[i] === ',') i++;
      else break;
    }
  }
  return challenges;
}

/** Scope string for pulling a repository, as registries and token services expect it. */
export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}
