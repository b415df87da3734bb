import { describe, expect, it } from 'vitest';
import { hmacHex } from '../../test/sign.js';
import { type WebhookHeaders } from '../http/headers.js';
import { verifyBitbucketCloudSignature, verifyBitbucketDataCenterSignature } from './bitbucket-signature.verifier.js';
import { verifyCiBuild } from './ci-build-signature.verifier.js';
import { verifyGiteaSignature } from './gitea-signature.verifier.js';
import { verifyGithubSignature } from './github-signature.verifier.js';
import { verifyGitlabToken } from './gitlab-token.verifier.js';
import { verifyHarborAuthHeader } from './harbor-auth.verifier.js';
import { type SignedRequest } from './signed-request.js';
import { type ActiveSecrets, type VerificationResult } from './verification-result.js';

const OLD_SECRET = 'old-secret-4f1c2a';
const NEW_SECRET = 'new-secret-9b7e3d';
const ROTATING: ActiveSecrets = [OLD_SECRET, NEW_SECRET];
const BODY = Buffer.from('{"ref":"refs/heads/main","after":"deadbeef"}');
const TAMPERED = Buffer.from('{"ref":"refs/heads/main","after":"deadbeeg"}');

interface Scheme {
  readonly name: string;
  readonly sut: (request: SignedRequest, secrets: ActiveSecrets) => VerificationResult;
  /** The headers the provider sends for `body` under `secret`. */
  readonly sign: (secret: string, body: Buffer) => WebhookHeaders;
  /** Whether a changed body must be rejected (false for schemes that do not sign the body). */
  readonly coversBody: boolean;
}

const schemes: readonly Scheme[] = [
  {
    name: 'GitHub X-Hub-Signature-256',
    sut: verifyGithubSignature,
    sign: (secret, body) => ({ 'x-hub-signature-256': `sha256=${hmacHex(secret, body)}` }),
    coversBody: true,
  },
  {
    name: 'Bitbucket Cloud X-Hub-Signature',
    sut: verifyBitbucketCloudSignature,
    sign: (secret, body) => ({ 'x-hub-signature': `sha256=${hmacHex(secret, body)}` }),
    coversBody: true,
  },
  {
    name: 'Bitbucket Data Center X-Hub-Signature',
    sut: verifyBitbucketDataCenterSignature,
    sign: (secret, body) => ({ 'x-hub-signature': `sha256=${hmacHex(secret, body)}` }),
    coversBody: true,
  },
  {
    name: 'Gitea X-Gitea-Signature',
    sut: verifyGiteaSignature,
    sign: (secret, body) => ({ 'x-gitea-signature': hmacHex(secret, body) }),
    coversBody: true,
  },
  {
    name: 'Forgejo X-Forgejo-Signature',
    sut: verifyGiteaSignature,
    sign: (secret, body) => ({ 'x-forgejo-signature': hmacHex(secret, body) }),
    coversBody: true,
  },
  {
    name: 'GitLab X-Gitlab-Token',
    sut: verifyGitlabToken,
    sign: (secret) => ({ 'x-gitlab-token': secret }),
    coversBody: false,
  },
  {
    name: 'Harbor Authorization',
    sut: verifyHarborAuthHeader,
    sign: (secret) => ({ authorization: secret }),
    coversBody: false,
  },
];

describe.each(schemes)('$name', ({ sut, sign }) => {
  it('accepts a delivery signed with the old or the new secret during a rotation', () => {
    expect(sut({ headers: sign(OLD_SECRET, BODY), rawBody: BODY }, ROTATING)).toEqual({ ok: true });
    expect(sut({ headers: sign(NEW_SECRET, BODY), rawBody: BODY }, ROTATING)).toEqual({ ok: true });
  });

  it('rejects a delivery signed with a retired secret', () => {
    expect(sut({ headers: sign(OLD_SECRET, BODY), rawBody: BODY }, [NEW_SECRET])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects a wrong secret, including one that is a prefix of the real one', () => {
    expect(sut({ headers: sign('not-the-secret', BODY), rawBody: BODY }, ROTATING)).toEqual({ ok: false, reason: 'mismatch' });
    expect(sut({ headers: sign(NEW_SECRET.slice(0, 5), BODY), rawBody: BODY }, ROTATING)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reports a missing credential as missing', () => {
    expect(sut({ headers: {}, rawBody: BODY }, ROTATING)).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts nothing when no secret is configured', () => {
    expect(sut({ headers: sign(NEW_SECRET, BODY), rawBody: BODY }, [])).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('never puts the secret or the received credential in its result', () => {
    const headers = sign(NEW_SECRET, BODY);
    const result = JSON.stringify(sut({ headers, rawBody: TAMPERED }, [OLD_SECRET]));
    expect(result).not.toContain(OLD_SECRET);
    for (const value of Object.values(headers)) expect(result).not.toContain(String(value));
  });
});

describe.each(schemes.filter((s) => s.coversBody))('$name over the raw body', ({ sut, sign }) => {
  it('rejects a body changed after signing', () => {
    expect(sut({ headers: sign(NEW_SECRET, BODY), rawBody: TAMPERED }, ROTATING)).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('verifyGithubSignature', () => {
  it('does not accept the legacy SHA-1 header or an unprefixed digest', () => {
    const sut = verifyGithubSignature;
    expect(sut({ headers: { 'x-hub-signature': `sha256=${hmacHex(NEW_SECRET, BODY)}` }, rawBody: BODY }, ROTATING)).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(sut({ headers: { 'x-hub-signature-256': hmacHex(NEW_SECRET, BODY) }, rawBody: BODY }, ROTATING)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('treats a repeated signature header as missing rather than picking one', () => {
    const good = `sha256=${hmacHex(NEW_SECRET, BODY)}`;
    expect(verifyGithubSignature({ headers: { 'x-hub-signature-256': [good, 'sha256=00'] }, rawBody: BODY }, ROTATING)).toEqual({
      ok: false,
      reason: 'missing',
    });
  });

  it('finds the header whatever its casing', () => {
    const headers = { 'X-Hub-Signature-256': `sha256=${hmacHex(NEW_SECRET, BODY)}` };
    expect(verifyGithubSignature({ headers, rawBody: BODY }, ROTATING)).toEqual({ ok: true });
  });
});

describe('verifyCiBuild', () => {
  const nowMs = Date.UTC(2026, 0, 15, 12, 0, 0);
  const nowSeconds = String(nowMs / 1000);
  const credentials = { hmacSecrets: ROTATING, bearerTokens: ['ci-token-old', 'ci-token-new'] };
  const signed = (secret: string, timestamp: string, body: Buffer = BODY) => ({
    'x-portcullis-timestamp': timestamp,
    'x-portcullis-signature': `sha256=${hmacHex(secret, `${timestamp}.`, body)}`,
  });

  it('accepts `${timestamp}.${body}` signed with either rotating secret', () => {
    const sut = verifyCiBuild;
    expect(sut({ headers: signed(OLD_SECRET, nowSeconds), rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: true });
    expect(sut({ headers: signed(NEW_SECRET, nowSeconds), rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: true });
  });

  it('rejects a body-only signature, a tampered body and a re-dated timestamp', () => {
    const sut = verifyCiBuild;
    const bodyOnly = { 'x-portcullis-timestamp': nowSeconds, 'x-portcullis-signature': `sha256=${hmacHex(NEW_SECRET, BODY)}` };
    expect(sut({ headers: bodyOnly, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'mismatch' });
    expect(sut({ headers: signed(NEW_SECRET, nowSeconds), rawBody: TAMPERED }, credentials, { nowMs })).toEqual({ ok: false, reason: 'mismatch' });
    const redated = { ...signed(NEW_SECRET, String(Number(nowSeconds) - 3600)), 'x-portcullis-timestamp': nowSeconds };
    expect(sut({ headers: redated, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects an authentic request outside the replay window as stale', () => {
    const sut = verifyCiBuild;
    const old = String(Number(nowSeconds) - 301);
    expect(sut({ headers: signed(NEW_SECRET, old), rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'stale' });
    const future = String(Number(nowSeconds) + 301);
    expect(sut({ headers: signed(NEW_SECRET, future), rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'stale' });
    expect(sut({ headers: signed(NEW_SECRET, old), rawBody: BODY }, credentials, { nowMs, toleranceSeconds: 600 })).toEqual({ ok: true });
  });

  it('needs the timestamp with the signature', () => {
    const headers = { 'x-portcullis-signature': `sha256=${hmacHex(NEW_SECRET, `${nowSeconds}.`, BODY)}` };
    expect(verifyCiBuild({ headers, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'missing' });
  });

  it('accepts either rotating bearer token and rejects others', () => {
    const sut = verifyCiBuild;
    expect(sut({ headers: { authorization: 'Bearer ci-token-old' }, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: true });
    expect(sut({ headers: { authorization: 'Bearer ci-token-new' }, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: true });
    expect(sut({ headers: { authorization: 'Bearer ci-token' }, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'mismatch' });
    expect(sut({ headers: { authorization: 'Basic Y2k6dG9rZW4=' }, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'mismatch' });
    expect(sut({ headers: {}, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'missing' });
  });

  it('does not fall back to the bearer token when a signature is present but wrong', () => {
    const headers = { ...signed('wrong', nowSeconds), authorization: 'Bearer ci-token-new' };
    expect(verifyCiBuild({ headers, rawBody: BODY }, credentials, { nowMs })).toEqual({ ok: false, reason: 'mismatch' });
  });
});
