import type { ImageReference } from '@portcullis/contracts';
import type { KubeObject } from '../kube-object.js';
import { ManifestError } from '../manifest.error.js';
import { containersOf, podSpecOf } from '../pod-specs.js';
import { normaliseRepository, parseImageName } from './image-name.js';

/** A release image: the repository the repo builds and the digest that was scanned. */
export type ImageToPin = Pick<ImageReference, 'registry' | 'repository' | 'digest'>;

/** One image field that was rewritten. */
export interface PinnedImage {
  /** `Kind/name` (namespace is not known yet at this point). */
  object: string;
  /** `spec.template.spec.containers[0].image`. */
  field: string;
  /** The image as written in the manifest. */
  from: string;
  /** `registry/repository@sha256:…`. */
  to: string;
}

export interface PinResult {
  /** Copies of the input objects, images rewritten. The input is never mutated. */
  objects: KubeObject[];
  /** Every field that was rewritten. */
  pinned: PinnedImage[];
  /** Release images that no workload in the manifests uses (likely a typo in `deploy.images`). */
  unused: ImageToPin[];
}

/**
 * Rewrites every container image (containers, initContainers, ephemeralContainers of every workload
 * kind) whose normalised `registry/repository` is one of `images` to `registry/repository@digest`,
 * dropping the tag and any digest written in the manifest: the release deploys what was scanned.
 * Other images are left as written (the `mutableTags` policy rule judges them).
 */
export function pinImages(objects: readonly KubeObject[], images: readonly ImageToPin[]): PinResult {
  const byRepository = new Map<string, { image: ImageToPin; pinned: string }>();
  for (const image of images) {
    const { registry, repository } = normaliseRepository(`${image.registry}/${image.repository}`);
    const key = `${registry}/${repository}`;
    const known = byRepository.get(key);
    if (known && known.image.digest !== image.digest) {
      throw new ManifestError('INVALID_INPUT', `image ${key} is declared twice with different digests`);
    }
    if (!known) byRepository.set(key, { image, pinned: `${key}@${image.digest}` });
  }

  const used = new Set<ImageToPin>();
  const pinned: PinnedImage[] = [];
  const out = objects.map((original) => {
    const object = structuredClone(original);
    const pod = podSpecOf(object);
    if (!pod) return object;
    for (const { path, container } of containersOf(pod)) {
      const image = container['image'];
      if (typeof image !== 'string') continue;
      const parsed = parseImageName(image);
      if (!parsed) continue;
      const release = byRepository.get(`${parsed.registry}/${parsed.repository}`);
      if (!release) continue;
      const to = release.pinned;
      used.add(release.image);
      if (to === image) continue;
      container['image'] = to;
      pinned.push({ object: `${object.kind}/${object.metadata.name}`, field: `${path}.image`, from: image, to });
    }
    return object;
  });
  return { objects: out, pinned, unused: [...byRepository.values()].map((r) => r.image).filter((image) => !used.has(image)) };
}

