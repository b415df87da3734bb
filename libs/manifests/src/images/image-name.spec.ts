import { describe, expect, it } from 'vitest';
import { isDigestPinned, normaliseRepository, parseImageName } from './image-name.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageName', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['index.docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['registry.example.com:5000/acme/api:1.0', { registry: 'registry.example.com:5000', repository: 'acme/api', tag: '1.0' }],
    [`registry.example.com/acme/api:1.0@${D}`, { registry: 'registry.example.com', repository: 'acme/api', tag: '1.0', digest: D }],
  ])('reads %s like a registry does', (image, expected) => {
    expect(parseImageName(image)).toEqual(expected);
  });

  it.each(['', 'Acme/API', 'repo:bad tag', 'repo@notadigest'])('rejects %j', (image) => {
    expect(parseImageName(image)).toBeUndefined();
  });

  it('tells digest-pinned images from tags', () => {
    expect(isDigestPinned(`nginx@${D}`)).toBe(true);
    expect(isDigestPinned(`nginx:1.27@${D}`)).toBe(true);
    expect(isDigestPinned('nginx:1.27')).toBe(false);
    expect(isDigestPinned('nginx@sha512:abc')).toBe(false);
  });

  it('normalises declared repositories the same way', () => {
    expect(normaliseRepository('docker.io/redis')).toEqual({ registry: 'docker.io', repository: 'library/redis' });
    expect(normaliseRepository('Registry.Example.com/acme/api')).toEqual({ registry: 'registry.example.com', repository: 'acme/api' });
  });
});
