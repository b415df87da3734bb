import { describe, expect, it } from 'vitest';
import { ALNUM, BASE64, BASE64URL, tokenGenerator } from '../../test/tokens.js';
import { decodeJwt, isInertJwt } from './jwt.js';
import { hasPlaceholderText, isPlaceholder } from './placeholders.js';
import { isWellKnownExample } from './well-known-examples.js';

const { rand, b64url } = tokenGenerator(0x91ace);
const header = (alg: string): string => b64url(JSON.stringify({ alg, typ: 'JWT' }));
const claims = (payload: object): string => b64url(JSON.stringify(payload));
const signed = (payload: object): string => `${header('HS256')}.${claims(payload)}.${rand(43, BASE64URL)}`;

// The vendors' documented samples, assembled from pieces so no credential-shaped literal sits here.
const DOCUMENTED = {
  stripeTestKey: 'sk' + '_test_' + '4eC39HqLyjWD' + 'arjtT1zdp7dc',
  azuriteKey: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6' + 'IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  awsSecretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY' + 'EXAMPLE' + 'KEY',
  jwtIo: `${header('HS256')}.${'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ'}.${'SflKxwRJSMeKKF2QT4fwpMeJf36P' + 'Ok6yJV_adQssw5c'}`,
  slackBot: 'xo' + 'xb-' + 'not-a-real-token-this-will-not-work',
};

describe('placeholders: documented sample credentials', () => {
  it.each(Object.entries(DOCUMENTED))('treats %s as a placeholder', (_name, value) => {
    expect(isPlaceholder(value)).toBe(true);
  });

  it('knows the exact published values, not look-alikes of the same shape and length', () => {
    for (const value of Object.values(DOCUMENTED)) expect(isWellKnownExample(value)).toBe(true);
    const lookAlike = 'sk' + '_test_' + rand(24, ALNUM);
    expect(lookAlike).toHaveLength(DOCUMENTED.stripeTestKey.length);
    expect(isWellKnownExample(lookAlike)).toBe(false);
    expect(isPlaceholder(lookAlike)).toBe(false);
    expect(isPlaceholder(rand(86, BASE64) + '==')).toBe(false);
  });

  it('treats an Azure storage emulator connection string as a placeholder', () => {
    expect(isPlaceholder(`DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${rand(86, BASE64)}==;`)).toBe(true);
  });
});

describe('placeholders: JSON Web Tokens', () => {
  it('treats an unsecured JWT (alg none, or no signature) as a placeholder: it authenticates nothing', () => {
    const payload = { sub: rand(12), role: 'admin', iat: 1700000000 };
    const algNone = `${header('none')}.${claims(payload)}.`;
    const noSignature = `${header('HS256')}.${claims(payload)}.`;
    expect(isInertJwt(algNone)).toBe(true);
    expect(isInertJwt(noSignature)).toBe(true);
    expect(isPlaceholder(algNone)).toBe(true);
    expect(isPlaceholder(noSignature)).toBe(true);
    expect(isInertJwt(`${header('None')}.${claims(payload)}.${rand(43, BASE64URL)}`)).toBe(true);
  });

  it('keeps a signed JWT as a candidate secret', () => {
    const token = signed({ sub: rand(12), iat: 1700000000 });
    expect(decodeJwt(token)?.payload).toContain('"iat":1700000000');
    expect(isInertJwt(token)).toBe(false);
    expect(isPlaceholder(token)).toBe(false);
  });

  it('does not read text that merely starts like a JWT as one', () => {
    expect(decodeJwt('eyJhbGciOi.eyJzdWIiOi')).toBeUndefined();
    expect(decodeJwt(`${b64url('{"typ":"JWT"}')}.${claims({ a: 1 })}.`)).toBeUndefined();
    expect(isInertJwt(`eyJ${rand(40, ALNUM)}`)).toBe(false);
  });
});

describe('placeholders: text signals that hold for multi-line values', () => {
  it('finds template, example and documented-sample signals but not structural runs', () => {
    expect(hasPlaceholderText('{{ .Values.tls.key }}')).toBe(true);
    expect(hasPlaceholderText('MIIEowIBAAKCAQEA...')).toBe(true);
    expect(hasPlaceholderText(DOCUMENTED.azuriteKey)).toBe(true);
    // An OpenSSH header or an indented block: runs that isPlaceholder reads as filler.
    const body = `b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAA${rand(60, BASE64)}\n        ${rand(64, BASE64)}`;
    expect(isPlaceholder(body)).toBe(true);
    expect(hasPlaceholderText(body)).toBe(false);
  });

  it('still says "not a real" in any spelling', () => {
    for (const v of ['not-a-real-token', 'NOT_A_REAL_KEY', 'notarealkey']) expect(isPlaceholder(v), v).toBe(true);
  });
});
