import { z } from 'zod';
import { type DeliveryContext, ignored, issuesOf, type NormaliseOutcome } from './normalise-outcome.js';

const PushPayload = z.object({
  push_data: z.object({ tag: z.string().nullish() }),
  repository: z.object({ repo_name: z.string() }),
});

/**
 * Docker Hub push webhook → always `ignored` once the shape is checked. Docker Hub's payload
 * (`push_data.tag`, `repository.repo_name`) names a tag but no digest, and `image.pushed` pins
 * images by digest: a tag is a moving pointer, so publishing one would let the scanner audit
 * whatever the tag points at when it gets there. Resolving the digest needs a registry call, which
 * this pure engine does not make; images pushed to Docker Hub reach Portcullis through CI's
 * `POST /v1/builds` instead. `callback_url` is never read or called.
 */
export function normaliseDockerHub(_eventType: string | undefined, payload: unknown, _delivery: DeliveryContext): NormaliseOutcome {
  const parsed = PushPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  return ignored('dockerhub-push-without-digest');
}
