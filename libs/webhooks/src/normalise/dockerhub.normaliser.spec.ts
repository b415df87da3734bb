import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { normaliseDockerHub } from './dockerhub.normaliser.js';

const context = { deliveryId: 'sha256:2f343b0931126a20f133d67c2b018a3b5ee0a0e2b6b5b1c8e8e0a4c3d2b1a090', receivedAt: '2026-01-15T12:00:00.000Z', registryId: 'docker.io' };

describe('normaliseDockerHub', () => {
  it('ignores the documented push: Docker Hub sends a tag but no digest', () => {
    const sut = normaliseDockerHub;
    expect(sut(undefined, fixture('dockerhub-push.json'), context)).toEqual({ kind: 'ignored', reason: 'dockerhub-push-without-digest' });
  });

  it('reports a payload that is not a Docker Hub push as invalid', () => {
    expect(normaliseDockerHub(undefined, { push_data: {} }, context)).toMatchObject({ kind: 'invalid', issues: [{ path: 'repository' }] });
  });
});
