import { createServer, type IncomingMessage, type Server } from 'node:http';
import { runCli } from '../../test/run-cli.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// A stand-in for the deploy-orchestrator's release API, strict like the real routes: it refuses a
// missing or wrong token, a missing client header, a body that is not JSON or has unknown fields,
// and records every request it accepted (with the path segments as the server decodes them).
const TOKEN = 'orchestrator-test-token-0123456789abcdef';
const SHA = 'a3c1f0e5d4b2a9876543210fedcba9876543210f';
const RELEASE = `github/acme/shop-api@${SHA}`;
const DIGEST = `sha256:${'d'.repeat(64)}`;
const image = { registry: 'registry.example.com', repository: 'acme/shop-api', tag: '1.4.2', digest: DIGEST };
const blockedRelease = {
  releaseId: RELEASE,
  repository: { provider: 'github', owner: 'acme', name: 'shop-api' },
  sha: SHA,
  updatedAt: '2026-06-01T10:00:00.000Z',
  gates: {
    secrets: { verdict: 'fail', ref: 'refs/heads/main', blocking: 1 },
    builds: [image],
    scans: [{ image, verdict: 'fail', blocking: 2 }],
  },
  environments: {
    staging: {
      state: 'blocked',
      reason: 'GateBlocked',
      message: '1 secret and 2 vulnerabilities block the release',
      sequence: 3,
      blocking: {
        secrets: 1,
        vulnerabilities: 2,
        policyViolations: 0,
        items: [
          { gate: 'secrets', id: 'aws-access-key', severity: 'high', location: 'config/prod.env:12' },
          { gate: 'image-scan', id: 'CVE-2024-3094', severity: 'critical', location: `registry.example.com/acme/shop-api@${DIGEST}` },
          { gate: 'image-scan', id: 'GHSA-xxxx-yyyy-zzzz', location: `registry.example.com/acme/shop-api@${DIGEST}` },
        ],
      },
    },
    production: {
      state: 'waiting',
      reason: 'WaitingForApproval',
      message: 'production requires an approval',
      sequence: 1,
      waitingFor: ['approval'],
      lastGoodReleaseId: `github/acme/shop-api@${'1'.repeat(40)}`,
    },
  },
};

interface Seen {
  method: string;
  segments: string[];
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | undefined;
}
let seen: Seen[] = [];
let server: Server;
let base: string;

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' });
      if (req.headers['x-portcullis-client'] !== 'cli') return send(400, { code: 'TEST_NO_CLIENT_HEADER' });
      const text = await readBody(req);
      let body: Record<string, unknown> | undefined;
      if (text !== '') {
        if (req.headers['content-type'] !== 'application/json') return send(415, { code: 'UNSUPPORTED_MEDIA_TYPE' });
        body = JSON.parse(text) as Record<string, unknown>;
      }
      // Split before decoding, as a router does: the release id must arrive as one segment.
      const segments = new URL(req.url ?? '/', 'http://x').pathname.split('/').slice(1).map(decodeURIComponent);
      seen.push({ method: req.method ?? '', segments, headers: req.headers, body });
      const [v1, releases, id, environments, environment, action] = segments;
      if (v1 !== 'v1' || releases !== 'releases') return send(404, { code: 'TEST_UNKNOWN_ROUTE' });
      if (req.method === 'GET' && segments.length === 3) {
        return id === RELEASE ? send(200, blockedRelease) : send(404, { code: 'RELEASE_UNKNOWN', message: 'no event about this release has reached the orchestrator' });
      }
      if (req.method === 'POST' && segments.length === 6 && environments === 'environments' && ['approve', 'promote', 'rollback'].includes(action ?? '')) {
        if (environment === 'busy') {
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '7' }).end(JSON.stringify({ code: 'PUBLISH_FAILED', message: 'temporarily unavailable, retry later' }));
          return;
        }
        const allowed = new Set(action === 'rollback' ? ['by', 'requestId', 'reason'] : ['by', 'requestId', 'comment']);
        const unknown = Object.keys(body ?? {}).filter((k) => !allowed.has(k));
        if (unknown.length > 0 || typeof body?.['by'] !== 'string' || (action === 'rollback' && typeof body['reason'] !== 'string')) {
          return send(400, { code: 'INVALID_REQUEST', message: 'invalid request', issues: [{ path: unknown.join(',') || 'reason', message: 'bad' }] });
        }
        return send(202, { requestId: body['requestId'] ?? 'generated', eventId: 'e-1', kind: `release.${action}`, releaseId: id, environment });
      }
      return send(404, { code: 'TEST_UNKNOWN_ROUTE' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

const run = (args: string[], env: Record<string, string | undefined> = { PORTCULLIS_ORCHESTRATOR_URL: base, PORTCULLIS_ORCHESTRATOR_TOKEN: TOKEN, USER: 'alice' }) => runCli(args, env);

describe('portcullis release show', () => {
  it('says per environment why the release is blocked: state, reason, message and every blocking item', async () => {
    const result = await run(['release', 'show', RELEASE]);
    expect(result.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'GET', segments: ['v1', 'releases', RELEASE] });
    const lines = result.out.split('\n');
    expect(result.out).toContain('staging: blocked (GateBlocked) 1 secret and 2 vulnerabilities block the release');
    expect(result.out).toContain('1 secret(s), 2 vulnerability(ies), 0 policy violation(s)');
    // One line per item with gate, id, severity (or - when the gate has none) and location.
    expect(lines.find((l) => l.includes('aws-access-key'))).toMatch(/secrets\s+aws-access-key\s+high\s+config\/prod\.env:12$/);
    expect(lines.find((l) => l.includes('CVE-2024-3094'))).toMatch(new RegExp(`image-scan\\s+CVE-2024-3094\\s+critical\\s+registry\\.example\\.com/acme/shop-api@${DIGEST}$`));
    expect(lines.find((l) => l.includes('GHSA-xxxx-yyyy-zzzz'))).toMatch(/image-scan\s+GHSA-xxxx-yyyy-zzzz\s+-\s+registry/);
    expect(result.out).toContain('production: waiting (WaitingForApproval) production requires an approval');
    expect(lines.find((l) => l.includes('waiting for'))).toMatch(/waiting for\s+approval$/);
    expect(result.out).toContain(`registry.example.com/acme/shop-api:1.4.2@${DIGEST}: fail, 2 blocking`);
    expect(result.out).toContain('fail, 1 blocking (ref refs/heads/main)');
  });

  it('prints the API answer as JSON with --json', async () => {
    const result = await run(['release', 'show', RELEASE, '--json']);
    expect(JSON.parse(result.out)).toEqual(blockedRelease);
  });

  it('says when the orchestrator knows nothing of the release', async () => {
    const result = await run(['release', 'show', `github/acme/shop-api@${'2'.repeat(40)}`]);
    expect(result.error?.message).toContain('404 RELEASE_UNKNOWN: no event about this release has reached the orchestrator');
  });

  it.each([['github/acme/shop-api'], [`github/acme/shop-api@${SHA.slice(0, 7)}`], [`acme/shop-api@${SHA}`], [`../../v1/releases@${SHA}`]])(
    'refuses %s as a release id without calling the API',
    async (bad) => {
      const result = await run(['release', 'show', bad]);
      expect(result.error).toBeDefined();
      expect(result.err).toContain('provider/owner/name@<full commit sha>');
      expect(seen).toHaveLength(0);
    },
  );
});

describe('portcullis release approve / promote', () => {
  it('approves with who and a comment, marked as a CLI call, and prints the request id', async () => {
    const result = await run(['release', 'approve', RELEASE, '--env', 'production', '--comment', 'change CHG-42 signed off']);
    expect(result.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', segments: ['v1', 'releases', RELEASE, 'environments', 'production', 'approve'] });
    expect(seen[0]!.headers).toMatchObject({ 'x-portcullis-client': 'cli', 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` });
    const body = seen[0]!.body!;
    expect(body).toEqual({ by: 'alice', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), comment: 'change CHG-42 signed off' });
    expect(result.out).toContain(`approval of ${RELEASE} in production requested (request ${String(body['requestId'])})`);
  });

  it('promotes with --by and --request-id, and prints JSON with --json', async () => {
    const result = await run(['release', 'promote', RELEASE, '--env', 'staging', '--by', 'bob', '--request-id', 'chg-42', '--json']);
    expect(seen[0]).toMatchObject({ segments: ['v1', 'releases', RELEASE, 'environments', 'staging', 'promote'], body: { by: 'bob', requestId: 'chg-42' } });
    expect(JSON.parse(result.out)).toEqual({ requestId: 'chg-42', eventId: 'e-1', kind: 'release.promote', releaseId: RELEASE, environment: 'staging' });
  });

  it('requires --env and refuses an environment that is not a DNS label, without calling the API', async () => {
    expect((await run(['release', 'approve', RELEASE])).err).toContain('--env');
    for (const bad of ['Production', 'prod_eu', 'x'.repeat(64), '-prod', '../secrets']) {
      const result = await run(['release', 'approve', RELEASE, '--env', bad]);
      expect(result.error).toBeDefined();
      expect(result.err).toContain('lower-case letters, digits and -');
    }
    expect(seen).toHaveLength(0);
  });

  it('refuses a bad release id without calling the API', async () => {
    const result = await run(['release', 'promote', `github/acme/shop-api@${SHA.toUpperCase()}`, '--env', 'staging']);
    expect(result.err).toContain('provider/owner/name@<full commit sha>');
    expect(seen).toHaveLength(0);
  });
});

describe('portcullis release rollback', () => {
  it('sends the reason and no comment', async () => {
    const result = await run(['release', 'rollback', RELEASE, '--env', 'production', '--reason', 'checkout errors since 10:02']);
    expect(result.error).toBeUndefined();
    expect(seen[0]).toMatchObject({ method: 'POST', segments: ['v1', 'releases', RELEASE, 'environments', 'production', 'rollback'] });
    expect(seen[0]!.body).toEqual({ by: 'alice', requestId: expect.any(String), reason: 'checkout errors since 10:02' });
    expect(result.out).toContain(`rollback of ${RELEASE} in production requested`);
  });

  it('refuses a rollback without a reason, or with a blank one, without calling the API', async () => {
    const missing = await run(['release', 'rollback', RELEASE, '--env', 'production']);
    expect(missing.error).toBeDefined();
    expect(missing.err).toContain('--reason');
    const blank = await run(['release', 'rollback', RELEASE, '--env', 'production', '--reason', '   ']);
    expect(blank.error).toBeDefined();
    expect(blank.err).toContain('--reason');
    expect(seen).toHaveLength(0);
  });

  it('has no --comment (the reason is the note)', async () => {
    expect((await run(['release', 'rollback', RELEASE, '--env', 'production', '--reason', 'x', '--comment', 'y'])).err).toContain("unknown option '--comment'");
    expect(seen).toHaveLength(0);
  });

  it('reports an outage with the retry hint', async () => {
    const result = await run(['release', 'rollback', RELEASE, '--env', 'busy', '--reason', 'x']);
    expect(result.error?.message).toBe('the deploy-orchestrator answered 503 PUBLISH_FAILED: temporarily unavailable, retry later (retry in 7 s)');
  });
});

describe('authentication', () => {
  it('says the token was refused, naming the variable to check, without printing the token', async () => {
    const wrong = 'wrong-token-0123456789abcdef0123456789';
    const result = await run(['release', 'show', RELEASE], { PORTCULLIS_ORCHESTRATOR_URL: base, PORTCULLIS_ORCHESTRATOR_TOKEN: wrong });
    expect(result.error?.message).toBe('the deploy-orchestrator refused the token (401 UNAUTHENTICATED): check PORTCULLIS_ORCHESTRATOR_TOKEN');
    expect(`${result.error?.message}${result.out}${result.err}`).not.toContain(wrong);
  });

  it('falls back to PORTCULLIS_API_TOKEN', async () => {
    const result = await run(['release', 'show', RELEASE], { PORTCULLIS_ORCHESTRATOR_URL: base, PORTCULLIS_API_TOKEN: TOKEN });
    expect(result.error).toBeUndefined();
    expect(seen).toHaveLength(1);
  });

  it('prefers PORTCULLIS_ORCHESTRATOR_TOKEN over the shared token', async () => {
    const result = await run(['release', 'show', RELEASE], { PORTCULLIS_ORCHESTRATOR_URL: base, PORTCULLIS_ORCHESTRATOR_TOKEN: TOKEN, PORTCULLIS_API_TOKEN: 'the-auditor-token-0123456789abcdef' });
    expect(result.error).toBeUndefined();
  });

  it('names both variables when no token is set, and calls nothing', async () => {
    const result = await run(['release', 'show', RELEASE], { PORTCULLIS_ORCHESTRATOR_URL: base });
    expect(result.error?.message).toContain('PORTCULLIS_ORCHESTRATOR_TOKEN (or PORTCULLIS_API_TOKEN) is not set');
    expect(seen).toHaveLength(0);
  });

  it('takes --orchestrator-url over the environment and refuses credentials in it', async () => {
    const result = await run(['release', 'show', RELEASE, '--orchestrator-url', `${base}/`], { PORTCULLIS_ORCHESTRATOR_URL: 'http://127.0.0.1:1', PORTCULLIS_ORCHESTRATOR_TOKEN: TOKEN });
    expect(result.error).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect((await run(['release', 'show', RELEASE, '--orchestrator-url', 'http://u:p@127.0.0.1:1'])).err).toContain('credentials');
  });
});

describe('--help', () => {
  it.each([
    [['release', '--help'], ['show', 'approve', 'promote', 'rollback']],
    [['release', 'show', '--help'], ['<releaseId>', '--json', '--orchestrator-url', 'PORTCULLIS_ORCHESTRATOR_URL']],
    [['release', 'approve', '--help'], ['<releaseId>', '--env', '--comment', '--by', '--request-id', '--json']],
    [['release', 'promote', '--help'], ['<releaseId>', '--env', '--comment', '--by', '--json']],
    [['release', 'rollback', '--help'], ['<releaseId>', '--env', '--reason', '--by', '--json']],
  ])('%j documents its options without any environment', async (args, words) => {
    const result = await run(args, {});
    for (const word of words) expect(result.out).toContain(word);
  });
});
