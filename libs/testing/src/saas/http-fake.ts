import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** One request a fake received, as the fake saw it, and what it answered. */
export interface RecordedCall {
  /** Slack: the Web API method (`chat.postMessage`); GitHub/GitLab: the route (`POST /repos/…/statuses/:sha`). */
  method: string;
  httpMethod: string;
  /** Request path with query, exactly as received (still URL-encoded). */
  path: string;
  /** Request headers, lower-case; `authorization` and `private-token` are replaced by `<redacted>`. */
  headers: Record<string, string>;
  /** Raw request body. */
  rawBody: string;
  /** Parsed parameters (form fields, JSON body or query), as the fake interpreted them. */
  params: Record<string, unknown>;
  /** Whether the call carried the right token. */
  authorized: boolean;
  /** HTTP status answered. */
  status: number;
  /** Response headers set by the fake (lower-case). */
  responseHeaders: Record<string, string>;
  /** Response body as sent (parsed JSON, or the text for non-JSON answers). */
  response: unknown;
  /** Clock time (ms) at which the fake handled the call. */
  at: number;
}

/** What a route handler answers. */
export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A request with its body read. */
export interface FakeRequest {
  httpMethod: string;
  path: string;
  headers: Record<string, string>;
  rawBody: string;
}

const SECRET_HEADERS = new Set(['authorization', 'private-token']);

/** The record of one handled request: headers redacted, the answer as sent. */
export function recordCall(
  req: FakeRequest,
  answer: FakeResponse,
  call: { method: string; params: Record<string, unknown>; authorized: boolean; at: number; path?: string; rawBody?: string },
): RecordedCall {
  return {
    method: call.method,
    httpMethod: req.httpMethod,
    path: call.path ?? req.path,
    headers: redactHeaders(req.headers),
    rawBody: call.rawBody ?? req.rawBody,
    params: call.params,
    authorized: call.authorized,
    status: answer.status,
    responseHeaders: answer.headers ?? {},
    response: answer.body,
    at: call.at,
  };
}

export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Headers as recorded: never the token itself (a recorded call may end up in a test's failure output). */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name) ? '<redacted>' : value;
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A started fake: its base URL (no trailing slash) and how to stop it. */
export interface RunningHttpFake {
  origin: string;
  close(): Promise<void>;
}

/**
 * Starts a plain `node:http` server on 127.0.0.1 with a random port. `handle` answers every request;
 * a handler that throws becomes a 500 (a bug in the fake, visible in the test's output).
 */
export async function startHttpFake(handle: (req: FakeRequest) => FakeResponse): Promise<RunningHttpFake> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    readBody(req).then(
      (rawBody) => {
        let answer: FakeResponse;
        try {
          answer = handle({ httpMethod: req.method ?? 'GET', path: req.url ?? '/', headers: flatHeaders(req), rawBody });
        } catch (error) {
          answer = { status: 500, body: { fakeError: error instanceof Error ? error.message : String(error) } };
        }
        const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        const contentType = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
        res.writeHead(answer.status, { 'content-type': contentType, ...answer.headers });
        res.end(text);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake server has no TCP address');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // fetch keeps connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Parses `application/x-www-form-urlencoded` into a plain object (last value wins, like Slack). */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) out[key] = value;
  return out;
}

/** Splits a request path into decoded-later segments and its query. */
export function splitPath(path: string): { segments: string[]; query: URLSearchParams } {
  const q = path.indexOf('?');
  const pathname = q === -1 ? path : path.slice(0, q);
  return { segments: pathname.split('/').filter((s) => s !== ''), query: new URLSearchParams(q === -1 ? '' : path.slice(q + 1)) };
}

/** The token of `Authorization: Bearer <t>` / `token <t>`, or undefined. */
export function authorizationToken(headers: Record<string, string>, schemes: readonly string[]): string | undefined {
  const value = headers['authorization'];
  if (value === undefined) return undefined;
  const match = /^(\S+)\s+(.+)$/.exec(value.trim());
  if (!match || !schemes.includes(match[1].toLowerCase())) return undefined;
  return match[2].trim();
}
