import { describe, expect, it } from 'vitest';
import { isCredentialName, isTriviallyNonSecret, nameWords } from './credential-names.js';

describe('isCredentialName', () => {
  it.each([
    'DB_PASSWORD', 'PGPASSWORD', 'MYSQL_ROOT_PASSWORD', 'dbPassword', 'spring.datasource.password', 'SMTP_PASS',
    'JWT_SECRET', 'NEXTAUTH_SECRET', 'GITHUB_TOKEN', 'authToken', 'API_KEY', 'apiKey', 'APIKey', 'STRIPE_APIKEY',
    'AWS_SECRET_ACCESS_KEY', 'SECRET_KEY_BASE', 'PRIVATE_KEY', 'SIGNING_KEY', 'SENTRY_DSN', 'CONNECTION_STRING',
    'REDIS_AUTH', 'GOOGLE_CREDENTIALS', 'DB_PASSWORD_2', 'client-secret', 'AZURE_STORAGE_ACCOUNT_KEY',
  ])('%s names a credential', (name) => {
    expect(isCredentialName(name)).toBe(true);
  });

  it.each([
    'DB_PASSWORD_FILE', 'PASSWORD_POLICY', 'TOKEN_URL', 'TOKEN_TTL', 'SECRET_NAME', 'AWS_ACCESS_KEY_ID', 'CLIENT_ID',
    'AUTH_ENABLED', 'AUTH_SERVER', 'AUTHOR', 'OAUTH_CALLBACK', 'PUBLIC_KEY', 'LOG_LEVEL', 'KEY', 'TOKENIZERS_PARALLELISM',
    'DATABASE_URL', 'application.properties', '',
  ])('%s does not', (name) => {
    expect(isCredentialName(name)).toBe(false);
  });

  it('splits names in any case style into words', () => {
    expect(nameWords('APIKeyValue')).toEqual(['api', 'key', 'value']);
    expect(nameWords('spring.datasource-password_2')).toEqual(['spring', 'datasource', 'password', '2']);
  });
});

describe('isTriviallyNonSecret', () => {
  it.each([
    'true', 'False', 'off', '8080', '3.5', '30s', 'abc', '/var/run/secrets/kubernetes.io/serviceaccount/token',
    './secrets/db', 'https://auth.example.com/token', 'vault:secret/data/db#password', 'ref+awssecrets://db/password',
    'op://vault/item/password', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db', 'projects/p/secrets/db/versions/1',
    '$(DB_PASSWORD)', '<path:secret/data/db#password>', '<your-password-here>', '   ',
  ])('%s is not a secret value', (value) => {
    expect(isTriviallyNonSecret(value)).toBe(true);
  });

  it.each(['hunter2-long', 'postgres://app:pw@db/app', 'S3cr3t!', 'abcd'])('%s may be one', (value) => {
    expect(isTriviallyNonSecret(value)).toBe(false);
  });
});
