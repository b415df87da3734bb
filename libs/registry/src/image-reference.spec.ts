import { describe, expect, it } from 'vitest';
import { formatImageReference, parseImageReference } from './image-reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['alpine:3.19', { registry: 'docker.io', repository: 'library/alpine', tag: '3.19' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['index.docker.io/library/alpine', { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' }],
    ['ghcr.io/org/team/app:v1.2.3', { registry: 'ghcr.io', repository: 'org/team/app', tag: 'v1.2.3' }],
    ['localhost/app', { registry: 'localhost', repository: 'app', tag: 'latest' }],
    ['127.0.0.1:5000/a/b:tag', { registry: '127.0.0.1:5000', repository: 'a/b', tag: 'tag' }],
    [`registry.example.com:443/app@${D}`, { registry: 'registry.example.com:443', repository: 'app', digest: D }],
    [`app:1@${D}`, { registry: 'docker.io', repository: 'library/app', tag: '1', digest: D }],
  ])('%s', (input, expected) => {
    expect(parseImageReference(input)).toEqual(expected);
  });

  it.each([
    '',
    'UPPER/case',
    'http://ghcr.io/a/b',
    'a b',
    'ghcr.io/a/b:',
    'ghcr.io/a/b@sha256:abc',
    'ghcr.io/a//b',
    `ghcr.io/a/b:${'t'.repeat(129)}`,
    'ghcr.io/-a/b',
    `ghcr.io/${'a'.repeat(300)}`,
  ])('refuses %j with INVALID_REFERENCE', (input) => {
    expect(() => parseImageReference(input)).toThrow(expect.objectContaining({ code: 'INVALID_REFERENCE', disposition: 'permanent' }));
  });

  it('formats the canonical form back', () => {
    expect(formatImageReference(parseImageReference('alpine'))).toBe('docker.io/library/alpine:latest');
  });
});
