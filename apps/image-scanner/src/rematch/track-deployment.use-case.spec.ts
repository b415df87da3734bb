import { type ImageReference, type ReleaseTransitionEvent } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { type Deployment } from './deployed-images.decision.js';
import { type DeploymentStore } from './redis-deployments.store.js';
import { TrackDeployment } from './track-deployment.use-case.js';

const image = (digit: string): ImageReference => ({ registry: 'ghcr.io', repository: 'acme/api', digest: `sha256:${digit.repeat(64)}` });
const repository = { provider: 'github', owner: 'acme', name: 'api' } as const;
const OLD = `github/acme/api@${'a'.repeat(40)}`;
const NEW = `github/acme/api@${'b'.repeat(40)}`;

class MemoryStore implements DeploymentStore {
  readonly deployments = new Map<string, Deployment>();
  readonly releases = new Map<string, readonly ImageReference[]>();
  get = (target: string) => Promise.resolve(this.deployments.get(target));
  put = (target: string, d: Deployment) => Promise.resolve(void this.deployments.set(target, d));
  targets = () => Promise.resolve([...this.deployments.keys()]);
  imagesOf = (id: string) => Promise.resolve(this.releases.get(id));
  rememberImages = (id: string, images: readonly ImageReference[]) => Promise.resolve(void this.releases.set(id, images));
}

function event(over: Partial<ReleaseTransitionEvent>): ReleaseTransitionEvent {
  return {
    kind: 'release.transition',
    releaseId: OLD,
    repository,
    environment: 'production',
    sequence: 1,
    from: null,
    to: 'succeeded',
    reason: 'RolloutComplete',
    message: 'done',
    strategy: 'rolling',
    images: [image('1')],
    observedAt: '2025-03-01T10:00:00.000Z',
    ...over,
  } as ReleaseTransitionEvent;
}

const digests = async (sut: TrackDeployment) => (await sut.deployed()).map((i) => i.digest).sort();

describe('TrackDeployment', () => {
  it('deploys the union of every environment and goes back to the earlier release images on rollback', async () => {
    const sut = new TrackDeployment(new MemoryStore());
    await sut.execute(event({ environment: 'staging', images: [image('9')] }));
    await sut.execute(event({}));
    await sut.execute(event({ releaseId: NEW, to: 'deploying', sequence: 1, images: [image('2')], observedAt: '2025-03-02T00:00:00.000Z' }));
    await sut.execute(event({ releaseId: NEW, to: 'succeeded', sequence: 2, images: [image('2')], observedAt: '2025-03-02T00:01:00.000Z' }));
    expect(await digests(sut)).toEqual([image('2').digest, image('9').digest]);

    await sut.execute(event({ releaseId: NEW, to: 'rolled_back', sequence: 3, images: [image('2')], relatedReleaseId: OLD, observedAt: '2025-03-02T00:05:00.000Z' }));

    expect(await digests(sut)).toEqual([image('1').digest, image('9').digest]);
  });

  it('never lets a late, older transition bring rolled-back digests back, and ignores redeliveries', async () => {
    const events = [
      event({}),
      event({ releaseId: NEW, to: 'succeeded', sequence: 2, images: [image('2')], observedAt: '2025-03-02T00:01:00.000Z' }),
      event({ releaseId: NEW, to: 'rolled_back', sequence: 3, images: [image('2')], relatedReleaseId: OLD, observedAt: '2025-03-02T00:05:00.000Z' }),
    ];
    const inOrder = new TrackDeployment(new MemoryStore());
    for (const e of events) await inOrder.execute(e);
    const shuffled = new TrackDeployment(new MemoryStore());
    for (const e of [events[2]!, events[0]!, events[1]!, events[2]!]) await shuffled.execute(e);

    expect(await digests(inOrder)).toEqual([image('1').digest]);
    // The rollback arrived before its target's images were known: the rolled-back digests are
    // dropped, and the older transitions arriving afterwards change nothing.
    expect(await digests(shuffled)).toEqual([]);
  });
});
