import { describe, expect, it } from 'vitest';
import { EXAMPLE_DIGEST, EXAMPLE_IMAGE } from '../../examples/example-values.js';
import { formatImageReference, ImageReference, imageDigestKey, imageRepositoryKey } from './image.js';

describe('image references', () => {
  it('formats keys and a pinned reference', () => {
    expect(imageRepositoryKey(EXAMPLE_IMAGE)).toBe('registry.example.com/acme/shop-api');
    expect(imageDigestKey(EXAMPLE_IMAGE)).toBe(`registry.example.com/acme/shop-api@${EXAMPLE_DIGEST}`);
    expect(formatImageReference(EXAMPLE_IMAGE)).toBe(`registry.example.com/acme/shop-api:1.4.2@${EXAMPLE_DIGEST}`);
    expect(formatImageReference({ ...EXAMPLE_IMAGE, tag: undefined })).toBe(imageDigestKey(EXAMPLE_IMAGE));
  });

  it.each([
    ['a digest of another algorithm', { digest: `sha512:${'a'.repeat(128)}` }],
    ['a tag in place of a digest', { digest: 'latest' }],
    ['an upper-case repository', { repository: 'Acme/Shop' }],
    ['a URL as registry', { registry: 'https://registry.example.com' }],
    ['a registry with credentials', { registry: 'user:pass@registry.example.com' }],
    ['a tag with a slash', { tag: 'feature/x' }],
  ])('rejects %s', (_case, override) => {
    expect(ImageReference.safeParse({ ...EXAMPLE_IMAGE, ...override }).success).toBe(false);
  });

  it('accepts a registry with a port and a nested repository', () => {
    const sut = ImageReference.safeParse({ ...EXAMPLE_IMAGE, registry: 'localhost:5000', repository: 'team/sub/app_1' });

    expect(sut.success).toBe(true);
  });
});
