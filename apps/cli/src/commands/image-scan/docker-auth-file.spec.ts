import { describe, expect, it } from 'vitest';
import { credentialsFromDockerConfig as sut } from './docker-auth-file.js';
import { ImageSourceUsageError } from './image-source.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('credentialsFromDockerConfig', () => {
  it('decodes the auth entry of the registry, splitting at the first colon', () => {
    const file = JSON.stringify({ auths: { 'registry.example.com:5000': { auth: b64('bot:pa:ss') } } });
    expect(sut(file, 'registry.example.com:5000', 'cfg')).toEqual({ kind: 'found', credentials: { username: 'bot', password: 'pa:ss' } });
    expect(sut(file, 'other.example.com', 'cfg')).toEqual({ kind: 'none' });
  });

  it('finds Docker Hub under its historic v1 URL and accepts username/password and registry tokens', () => {
    expect(sut(JSON.stringify({ auths: { 'https://index.docker.io/v1/': { username: 'u', password: 'p' } } }), 'docker.io', 'cfg')).toEqual({
      kind: 'found',
      credentials: { username: 'u', password: 'p' },
    });
    expect(sut(JSON.stringify({ auths: { 'https://ghcr.io': { registrytoken: 't0k' } } }), 'ghcr.io', 'cfg')).toEqual({ kind: 'found', credentials: { bearerToken: 't0k' } });
  });

  it('says so when credentials live in a helper or as an identity token', () => {
    expect(sut(JSON.stringify({ credHelpers: { 'gcr.io': 'gcloud' } }), 'gcr.io', 'cfg').kind).toBe('unsupported');
    expect(sut(JSON.stringify({ credsStore: 'desktop' }), 'ghcr.io', 'cfg').kind).toBe('unsupported');
    expect(sut(JSON.stringify({ auths: { 'ghcr.io': { identitytoken: 'refresh' } } }), 'ghcr.io', 'cfg').kind).toBe('unsupported');
  });

  it('refuses a broken file without quoting it', () => {
    const secret = 'hunter2-secret';
    expect(() => sut(`{"auths": ${secret}`, 'ghcr.io', 'cfg')).toThrow(ImageSourceUsageError);
    try {
      sut(JSON.stringify({ auths: { 'ghcr.io': { auth: b64(secret) } } }), 'ghcr.io', 'cfg');
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
    expect(() => sut(JSON.stringify({ auths: { 'ghcr.io': { auth: b64(secret) } } }), 'ghcr.io', 'cfg')).toThrow(/not base64 of user:password/);
  });
});
