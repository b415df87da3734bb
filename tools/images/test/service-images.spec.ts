import { describe, expect, it } from 'vitest';
import { imageName, imageTag, SERVICE_APPS } from './service-images.js';

describe('imageTag', () => {
  it('takes PORTCULLIS_IMAGE_TAG when set (as tools/images/tag.sh does)', () => {
    expect(imageTag({ PORTCULLIS_IMAGE_TAG: 'ci-42' })).toBe('ci-42');
  });
});

describe('imageName', () => {
  it('names the five images under localhost/portcullis with the tag', () => {
    expect(SERVICE_APPS.map((app) => imageName(app, 'ci-42'))).toEqual([
      'localhost/portcullis/webhook-intake:ci-42',
      'localhost/portcullis/secret-auditor:ci-42',
      'localhost/portcullis/image-scanner:ci-42',
      'localhost/portcullis/deploy-orchestrator:ci-42',
      'localhost/portcullis/notifier:ci-42',
    ]);
  });
});
