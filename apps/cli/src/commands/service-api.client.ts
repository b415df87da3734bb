import { type Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { type CliContext } from '../cli.context.js';

const TIMEOUT_MS = 15_000;

/** Which Portcullis service an API client talks to, and where its settings come from. */
export interface ServiceApiSpec {
  /** The service as people know it, in messages: `secret-auditor`, `deploy-orchestrator`. */
  readonly service: string;
  /** The flag that overrides the base URL, without dashes: `auditor-url`. */
  readonly urlOption: string;
  /** The variable that holds the base URL: `PORTCULLIS_AUDITOR_URL`. */
  readonly urlVariable: string;
  readonly defaultUrl: string;
  /**
   * Variables that may hold the bearer token, first match wins; each may also be given as a file
   * through `<NAME>_FILE`. Services have their own tokens, so a service-specific variable can come
   * before the shared `PORTCULLIS_API_TOKEN`.
   */
  readonly tokenVariables: readonly [string, ...string[]];
}

/** The options every API command takes: the base URL override and `--json`. */
export interface ApiOptions {
  json?: boolean;
}

/** Parses an http(s) base URL without credentials; the trailing slash is dropped. */
function baseUrlOf(value: string, tokenVariable: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http(s) URL');
  if (url.username !== '' || url.password !== '') throw new InvalidArgumentError(`credentials do not belong in the URL; set ${tokenVariable}`);
  return url.toString().replace(/\/+$/, '');
}

/** Who runs the command, for the `by` of decisions: $USER, $USERNAME, else the OS account. */
export function whoAmI(context: CliContext): string {
  const fromEnv = context.env['USER'] ?? context.env['USERNAME'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** A JSON answer, or a value printed as JSON with `--json` and as text otherwise. */
export function print(context: CliContext, options: ApiOptions, value: unknown, human: () => string): void {
  context.stdout.write(options.json === true ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

/**
 * A client for one Portcullis service's JSON API (bearer token, `x-portcullis-client: cli`).
 * Nothing is read from the environment until a call is made, so `--help` works without any.
 */
export class ServiceApiClient {
  constructor(private readonly spec: ServiceApiSpec) {}

  /** Adds the base URL option and `--json` to an API command. */
  withApiOptions(command: Command): Command {
    return command.addOption(this.urlOptionOf()).option('--json', 'print the API answer as JSON');
  }

  private urlOptionOf(): Option {
    return new Option(`--${this.spec.urlOption} <url>`, `base URL of the ${this.spec.service} (default ${this.spec.urlVariable} or ${this.spec.defaultUrl})`).argParser(
      (value: string) => baseUrlOf(value, this.spec.tokenVariables[0]),
    );
  }

  /** One call to the API; a non-2xx answer becomes an error a person can act on. */
  async call(context: CliContext, options: ApiOptions, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const override = (options as Record<string, unknown>)[this.urlOptionOf().attributeName()];
    const base = typeof override === 'string' ? override : baseUrlOf(context.env[this.spec.urlVariable] ?? this.spec.defaultUrl, this.spec.tokenVariables[0]);
    const { token, variable } = this.tokenOf(context);
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}`, 'x-portcullis-client': 'cli' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new Error(`cannot reach the ${this.spec.service} at ${base}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      if (response.ok) throw new Error(`the ${this.spec.service} at ${base} answered ${response.status} with something other than JSON`);
    }
    if (response.ok) return json;
    throw new Error(this.describeFailure(response, json, variable));
  }

  /** The bearer token and the variable it came from (for messages). The token is never printed. */
  private tokenOf(context: CliContext): { token: string; variable: string } {
    for (const name of this.spec.tokenVariables) {
      const direct = context.env[name];
      if (direct !== undefined && direct.trim() !== '') return { token: direct.trim(), variable: name };
      const file = context.env[`${name}_FILE`];
      if (file !== undefined && file !== '') {
        try {
          return { token: readFileSync(file, 'utf8').trim(), variable: `${name}_FILE` };
        } catch {
          throw new Error(`cannot read ${name}_FILE (${file})`);
        }
      }
    }
    const [first, ...others] = this.spec.tokenVariables;
    const alternatives = others.length === 0 ? '' : ` (or ${others.join(', ')})`;
    throw new Error(`${first}${alternatives} is not set: the ${this.spec.service} API needs its bearer token (or set ${first}_FILE)`);
  }

  private describeFailure(response: Response, json: Record<string, unknown>, tokenVariable: string): string {
    const code = typeof json['code'] === 'string' ? ` ${json['code']}` : '';
    const message = typeof json['message'] === 'string' ? `: ${json['message']}` : '';
    const issues = Array.isArray(json['issues'])
      ? (json['issues'] as { path?: unknown; message?: unknown }[]).map((i) => `\n  - ${String(i.path)}: ${String(i.message)}`).join('')
      : '';
    if (response.status === 401) return `the ${this.spec.service} refused the token (401${code}): check ${tokenVariable}`;
    const retry = response.headers.get('retry-after');
    const hint = response.status === 503 && retry !== null ? ` (retry in ${retry} s)` : '';
    return `the ${this.spec.service} answered ${response.status}${code}${message}${hint}${issues}`;
  }
}
