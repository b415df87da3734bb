import { type ImageReference } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { deployedImages, type DeployTransition, nextDeployment } from './deployed-images.decision.js';

const image = (digit: string): ImageReference => ({ registry: 'ghcr.io', repository: 'acme/api', digest: `sha256:${digit.repeat(64)}` });
const A = 'github/acme/api@' + 'a'.repeat(40);
const B = 'github/acme/api@' + 'b'.repeat(40);

function transition(over: Partial<DeployTransition>): DeployTransition {
  return { releaseId: A, sequence: 3, observedAt: '2025-03-01T10:00:00.000Z', to: 'succeeded', images: [image('1')], ...over };
}

const none = () => undefined;

describe('nextDeployment', () => {
  it('records the images of a release that succeeded', () => {
    const sut = nextDeployment(undefined, transition({}), none);
    expect(sut?.images).toEqual([image('1')]);
  });

  it('ignores transitions to states that do not change what runs', () => {
    expect(nextDeployment(undefined, transition({ to: 'deploying' }), none)).toBeUndefined();
    expect(nextDeployment(undefined, transition({ to: 'failed' }), none)).toBeUndefined();
  });

  it('ignores an older transition of the same release and a repeat of the recorded one', () => {
    const rolledBack = nextDeployment(undefined, transition({ to: 'rolled_back', sequence: 5, relatedReleaseId: B }), () => [image('2')])!;
    expect(nextDeployment(rolledBack, transition({ sequence: 4 }), none)).toBeUndefined();
    expect(nextDeployment(rolledBack, transition({ to: 'rolled_back', sequence: 5, relatedReleaseId: B }), none)).toBeUndefined();
  });

  it('lets a later release replace an earlier one whatever their sequences, and not the reverse', () => {
    const newer = nextDeployment(undefined, transition({ releaseId: B, sequence: 2, observedAt: '2025-03-02T00:00:00.000Z', images: [image('2')] }), none)!;
    expect(nextDeployment(newer, transition({ sequence: 9 }), none)).toBeUndefined();
    const older = nextDeployment(undefined, transition({ sequence: 9 }), none)!;
    expect(nextDeployment(older, transition({ releaseId: B, sequence: 2, observedAt: '2025-03-02T00:00:00.000Z', images: [image('2')] }), none)?.images).toEqual([image('2')]);
  });

  it('on rollback runs the images of the release traffic went back to', () => {
    const current = nextDeployment(undefined, transition({}), none)!;
    const sut = nextDeployment(current, transition({ to: 'rolled_back', sequence: 4, relatedReleaseId: B }), (id) => (id === B ? [image('2')] : undefined));
    expect(sut?.images).toEqual([image('2')]);
  });

  it('on rollback to an unknown release drops the rolled-back digests', () => {
    const current = nextDeployment(undefined, transition({}), none)!;
    expect(nextDeployment(current, transition({ to: 'rolled_back', sequence: 4, relatedReleaseId: B }), none)?.images).toEqual([]);
    expect(nextDeployment(current, transition({ to: 'rolled_back', sequence: 4 }), none)?.images).toEqual([]);
  });
});

describe('deployedImages', () => {
  it('is the union of every target, one entry per digest', () => {
    const common = { releaseId: A, sequence: 1, observedAt: '2025-03-01T10:00:00.000Z' };
    expect(deployedImages([{ ...common, images: [image('1'), image('2')] }, { ...common, images: [image('2'), image('3')] }]).map((i) => i.digest)).toEqual([
      image('1').digest,
      image('2').digest,
      image('3').digest,
    ]);
  });
});
