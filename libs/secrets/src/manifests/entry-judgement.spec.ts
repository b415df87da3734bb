import { describe, expect, it } from 'vitest';
import { isCredentialLiteral, isNonCredentialEntry, looksRandom, urlPassword } from './entry-judgement.js';

/** Token-like text (letters and digits, all different), built at run time. */
const token = (length: number) => Array.from({ length }, (_, i) => 'aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uVwXyZ'[(i * 7) % 36]).join('');

describe('isNonCredentialEntry', () => {
  it.each([
    ['username', 'accounts_app'], ['DB_USER', 'postgres'], ['login', 'CORP\\svc-reports'], ['POSTGRES_DB', 'app'],
    ['host', 'db.internal'], ['DB_HOST_PROD', 'analytics-db.eu-west-1.rds.amazonaws.com'], ['server', '[2001:db8::1]:5432'],
    ['port', '5432'], ['region', 'eu-west-1'], ['namespace', 'payments'], ['url', 'https://api.internal.corp/v1?page=2'],
    ['endpoint', 'db.internal:5432'], ['brokers', 'kafka-0:9092, kafka-1:9092'], ['email', 'ops@corp.io'],
    ['client_id', '0f8fad5b-d9cb-469f-a165-70867728950e'], ['twilio-account-sid', `AC${'0f8fad5bd9cb469fa16570867728950e'}`],
    ['LOG_LEVEL', 'info'], ['AUTH_METHOD', 'token'], ['FEATURE_X', 'true'], ['timeout', '30s'], ['mode', 'PRODUCTION'],
    ['TOKEN_URL', 'https://auth.corp.io/oauth/token'],
  ])('%s: %s is not a credential', (key, value) => {
    expect(isNonCredentialEntry(key, value)).toBe(true);
  });

  it.each([
    ['password', 'info'], ['DB_PASSWORD', '12345678'], ['api-key', 'true'], ['token', 'abc'],
    ['username', token(24)], ['username', 'alice:pw-after-colon'], ['user', 'p@ss w0rd!'],
    ['host', `postgres://app:${token(12)}@db/app`], ['host', 'db.internal;Password=x'],
    ['url', `https://hooks.chat.io/services/${token(24)}`], ['callback_url', 'https://hooks.corp.io/in?sig=abc123&x=1'], ['url', `https://deploy:${token(12)}@pypi.corp.io/simple`],
    ['secret_id', '0f8fad5b-d9cb-469f-a165-70867728950e'], ['key_name', token(20)], ['email', 'not an address'],
    ['port', 'five'.repeat(5)], ['notes', 'two words'], ['config.yaml', 'level: info\nformat: json'], ['seed', token(16)],
  ])('%s: %s may be one', (key, value) => {
    expect(isNonCredentialEntry(key, value)).toBe(false);
  });
});

describe('isCredentialLiteral', () => {
  const unsignedJwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;

  it('takes a credential-like name with a literal, and a URL with a password under any name', () => {
    expect(isCredentialLiteral('DB_PASSWORD', 'literal-value', false)).toBe(true);
    expect(isCredentialLiteral('MIRROR', `https://ci:${token(14)}@mirror.corp.io`, false)).toBe(true);
    expect(isCredentialLiteral('AUTH_TOKEN', unsignedJwt, true)).toBe(true);
  });

  it('lets go of trivial values, SOPS ciphertext, neutral names and JWTs the content rules passed', () => {
    expect(isCredentialLiteral('DB_PASSWORD', 'true', false)).toBe(false);
    expect(isCredentialLiteral('DB_PASSWORD', 'ENC[AES256_GCM,data:abc,type:str]', false)).toBe(false);
    expect(isCredentialLiteral('UPSTREAM', 'https://api.corp.io', false)).toBe(false);
    expect(isCredentialLiteral('AUTH_TOKEN', unsignedJwt, false)).toBe(false);
  });
});

describe('urlPassword and looksRandom', () => {
  it('extracts only the password of a URL with userinfo', () => {
    expect(urlPassword('postgres://app:pa55-word@db:5432/app')).toBe('pa55-word');
    expect(urlPassword('https://user@host/path')).toBeUndefined();
    expect(urlPassword('https://host/p?u=a:b@c')).toBeUndefined();
    expect(urlPassword('not a url: a:b@c')).toBeUndefined();
  });

  it('tells a token from words, hostnames and numbers', () => {
    expect(looksRandom(token(16))).toBe(true);
    expect(looksRandom(`db-${'9f86d081884c7d659a2feaa0c55ad015'}`)).toBe(true);
    expect(looksRandom('accounts_application_user')).toBe(false);
    expect(looksRandom('internal-my-lb-1234567890.us-east-1.elb.amazonaws.com')).toBe(false);
    expect(looksRandom('accountsapplication2024')).toBe(false);
    expect(looksRandom('AccountsApplicationUser')).toBe(false);
  });
});
