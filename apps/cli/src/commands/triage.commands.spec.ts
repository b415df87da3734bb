import { createServer, type IncomingMessage, type Server } from 'node:http';
import { runCli } from '../../test/run-cli.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// A stand-in for the secret-auditor API (our own API, its contract checked strictly here): it
// refuses anything the real routes would refuse (token, client header, media type, unknown body
// fields) and records every request it accepted.
const TOKEN = 'cli-test-token-0123456789abcdef0123456789';
const FP = 'ab'.repeat(32);
const incident = {
  fingerprint: FP,
  state: 'open',
  ruleId: 'aws-access-key',
  severity: 'high',
  firstSeenAt: '2026-06-01T00:00:00.000Z',
  lastSeenAt: '2026-06-02T00:00:00.000Z',
  repositories: ['github/acme/shop', 'gitlab/acme/platform/ledger'],
  locations: [
    { repository: 'github/acme/shop', path: '.env', commit: '1'.repeat(40), firstSeenAt: '2026-06-01T00:00:00.000Z' },
    { repository: 'gitlab/acme/platform/ledger', path: 'config/prod.yaml', commit: '2'.repeat(40), firstSeenAt: '2026-06-02T00:00:00.000Z' },
  ],
  locationsTruncated: false,
};

interface Seen {
  method: string;
  url: string;
  body: Record<string, unknown> | undefined;
}
let seen: Seen[] = [];
let server: Server;
let base: string;
let nextStatus: number | undefined;

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { status: 'rejected', code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' });
      if (req.headers['x-portcullis-client'] !== 'cli') return send(400, { status: 'rejected', code: 'TEST_NO_CLIENT_HEADER' });
      const text = await readBody(req);
      let body: Record<string, unknown> | undefined;
      if (text !== '') {
        if (req.headers['content-type'] !== 'application/json') return send(415, { status: 'rejected', code: 'UNSUPPORTED_MEDIA_TYPE' });
        body = JSON.parse(text) as Record<string, unknown>;
      }
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      if (nextStatus === 503) return send(503, { status: 'unavailable', code: 'PUBLISH_FAILED', message: 'temporarily unavailable, retry later' }, { 'retry-after': '5' });
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'GET' && url.pathname === '/v1/secrets/incidents') {
        return send(200, { items: [incident], nextCursor: FP });
      }
      if (req.method === 'GET' && url.pathname === `/v1/secrets/incidents/${FP}`) return send(200, incident);
      if (req.method === 'GET' && url.pathname.startsWith('/v1/secrets/incidents/')) {
        return send(404, { status: 'rejected', code: 'INCIDENT_UNKNOWN', message: 'no audit reported this fingerprint and nobody triaged it' });
      }
      if (req.method === 'PUT' && url.pathname === `/v1/secrets/triage/${FP}`) {
        const allowed = new Set(['state', 'reason', 'until', 'by', 'repository', 'requestId']);
        const unknown = Object.keys(body ?? {}).filter((k) => !allowed.has(k));
        if (unknown.length > 0 || typeof body?.['state'] !== 'string' || typeof body['reason'] !== 'string' || typeof body['by'] !== 'string') {
          return send(400, { status: 'rejected', code: 'INVALID_REQUEST', message: 'invalid triage decision', issues: [{ path: unknown.join(',') || 'state', message: 'bad' }] });
        }
        return send(202, { status: 'accepted', requestId: body['requestId'], eventId: 'e-1', fingerprint: FP, state: body['state'], decidedAt: '2026-06-01T00:00:00.000Z' });
      }
      if (req.method === 'POST' && url.pathname === '/v1/secrets/sweeps') {
        const keys = Object.keys(body ?? {}).sort();
        if (keys.join(',') !== 'by,repository,requestId') return send(400, { status: 'rejected', code: 'INVALID_REQUEST', message: 'invalid sweep request' });
        return send(202, { status: 'accepted', requestId: body!['requestId'], eventId: 'e-2' });
      }
      return send(404, { status: 'rejected', code: 'TEST_UNKNOWN_ROUTE' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  nextStatus = undefined;
});

const run = (args: string[], env: Record<string, string | undefined> = { PORTCULLIS_AUDITOR_URL: base, PORTCULLIS_API_TOKEN: TOKEN, USER: 'alice' }) => runCli(args, env);

describe('portcullis triage list', () => {
  it('asks for one state and prints one line per incident, with its repositories', async () => {
    const result = await run(['triage', 'list', '--state', 'open', '--limit', '10']);
    expect(result.error).toBeUndefined();
    expect(seen).toEqual([{ method: 'GET', url: '/v1/secrets/incidents?state=open&limit=10', body: undefined }]);
    expect(result.out).toContain(FP);
    expect(result.out).toContain('2 repo(s): github/acme/shop, gitlab/acme/platform/ledger');
    expect(result.out).toContain(`more: --cursor ${FP}`);
  });

  it('prints the API answer as JSON with --json', async () => {
    const result = await run(['triage', 'list', '--json']);
    expect(JSON.parse(result.out)).toEqual({ items: [incident], nextCursor: FP });
    expect(seen[0]?.url).toBe('/v1/secrets/incidents');
  });

  it('refuses an unknown state before calling the API', async () => {
    const result = await run(['triage', 'list', '--state', 'closed']);
    expect(result.error).toBeDefined();
    expect(result.err).toContain('false_positive');
    expect(seen).toHaveLength(0);
  });
});

describe('portcullis triage show', () => {
  it('shows where the secret is', async () => {
    const result = await run(['triage', 'show', FP]);
    expect(result.error).toBeUndefined();
    expect(result.out).toContain('gitlab/acme/platform/ledger  config/prod.yaml');
    expect(result.out).toContain('aws-access-key (high)');
  });

  it('says when a fingerprint is unknown, with the API’s reason', async () => {
    const result = await run(['triage', 'show', 'cd'.repeat(32)]);
    expect(result.error?.message).toContain('404 INCIDENT_UNKNOWN');
  });

  it('refuses something that is not a fingerprint without calling the API', async () => {
    const result = await run(['triage', 'show', '../../v1/secrets/sweeps']);
    expect(result.error).toBeDefined();
    expect(seen).toHaveLength(0);
  });
});

describe('portcullis triage set', () => {
  it('sends the decision with who, why and until, and says it was recorded', async () => {
    const result = await run(['triage', 'set', FP, '--state', 'accepted', '--reason', 'test key, revoked', '--until', '2027-01-31']);
    expect(result.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: `/v1/secrets/triage/${FP}` });
    expect(seen[0]!.body).toEqual({ state: 'accepted', reason: 'test key, revoked', until: '2027-01-31', by: 'alice', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(result.out).toContain(`recorded: ${FP} → accepted`);
  });

  it('takes --by, --repository and --request-id and prints JSON with --json', async () => {
    const result = await run(['triage', 'set', FP, '--state', 'false_positive', '--reason', 'docs example', '--by', 'bob', '--repository', 'github/acme/shop', '--request-id', 'r-1', '--json']);
    expect(seen[0]!.body).toEqual({ state: 'false_positive', reason: 'docs example', by: 'bob', repository: 'github/acme/shop', requestId: 'r-1' });
    expect(JSON.parse(result.out)).toMatchObject({ status: 'accepted', requestId: 'r-1', state: 'false_positive' });
  });

  it('requires --state and --reason, and refuses --until without accepted', async () => {
    expect((await run(['triage', 'set', FP, '--reason', 'x'])).err).toContain('--state');
    expect((await run(['triage', 'set', FP, '--state', 'rotated'])).err).toContain('--reason');
    expect((await run(['triage', 'set', FP, '--state', 'rotated', '--reason', 'x', '--until', '2027-01-01'])).error?.message).toContain('--until');
    expect(seen).toHaveLength(0);
  });

  it('reports an outage with the retry hint', async () => {
    nextStatus = 503;
    const result = await run(['triage', 'set', FP, '--state', 'rotated', '--reason', 'rotated in vault']);
    expect(result.error?.message).toContain('503 PUBLISH_FAILED');
    expect(result.error?.message).toContain('retry in 5 s');
  });
});

describe('authentication', () => {
  it('needs PORTCULLIS_API_TOKEN and calls nothing without it', async () => {
    const result = await run(['triage', 'list'], { PORTCULLIS_AUDITOR_URL: base });
    expect(result.error?.message).toContain('PORTCULLIS_API_TOKEN');
    expect(seen).toHaveLength(0);
  });

  it('says the token was refused, without printing it', async () => {
    const wrong = 'wrong-token-0123456789abcdef0123456789';
    const result = await run(['triage', 'list'], { PORTCULLIS_AUDITOR_URL: base, PORTCULLIS_API_TOKEN: wrong });
    expect(result.error?.message).toContain('refused the token (401 UNAUTHENTICATED)');
    expect(`${result.error?.message}${result.out}${result.err}`).not.toContain(wrong);
  });

  it('refuses a URL with credentials in it', async () => {
    const result = await run(['triage', 'list', '--auditor-url', 'http://u:p@127.0.0.1:1']);
    expect(result.err).toContain('credentials');
  });
});

describe('portcullis secrets sweep', () => {
  it('requests a sweep of owner/name on GitHub by default', async () => {
    const result = await run(['secrets', 'sweep', 'acme/shop']);
    expect(result.error).toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/secrets/sweeps', body: { repository: 'github/acme/shop', by: 'alice' } });
    expect(result.out).toContain('sweep of github/acme/shop queued');
  });

  it('takes a provider/owner/name key as is', async () => {
    await run(['secrets', 'sweep', 'gitlab/acme/platform/ledger']);
    expect(seen[0]!.body?.['repository']).toBe('gitlab/acme/platform/ledger');
  });

  it('refuses something that is not a repository', async () => {
    const result = await run(['secrets', 'sweep', 'just-a-name']);
    expect(result.error?.message).toContain('not a repository');
    expect(seen).toHaveLength(0);
  });
});

describe('--help', () => {
  it.each([
    [['triage', '--help'], ['list', 'show', 'set']],
    [['triage', 'list', '--help'], ['--state', '--limit', '--cursor', '--json', '--auditor-url']],
    [['triage', 'show', '--help'], ['<fingerprint>', '--json']],
    [['triage', 'set', '--help'], ['--state', '--reason', '--until', '--by', '--repository', '--json']],
    [['secrets', 'sweep', '--help'], ['<repository>', '--provider', '--json']],
  ])('%j documents its options without any environment', async (args, words) => {
    const result = await run(args, {});
    for (const word of words) expect(result.out).toContain(word);
  });
});
