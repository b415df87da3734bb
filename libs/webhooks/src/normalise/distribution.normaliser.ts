import { z } from 'zod';
import { combineOutcomes, type DeliveryContext, ignored, issuesOf, type NormaliseOutcome } from './normalise-outcome.js';
import { imagePushedEvent, MANIFEST_MEDIA_TYPES } from './registry-image.js';

/*
 * CNCF distribution notifications (`application/vnd.docker.distribution.events.v2+json`): an
 * envelope of unrelated events. The image path is `target.repository`; `target.url`,
 * `request.host`, `request.addr` and `source.addr` are ignored: the registry is the configured one.
 */
const Envelope = z.object({
  events: z.array(
    z.object({
      action: z.string(),
      target: z
        .object({
          mediaType: z.string().optional(),
          digest: z.string().optional(),
          repository: z.string().optional(),
          tag: z.string().nullish(),
        })
        .optional(),
    }),
  ),
});

/**
 * Distribution envelope → outcome: every manifest `push` becomes an `image.pushed` event, in
 * envelope order (`events`); blob pushes (layers, configs), pulls, deletes and mounts are dropped;
 * an envelope with nothing else is `ignored`. Any malformed manifest push makes the whole delivery
 * `invalid`, so the registry's retry carries all of it again.
 */
export function normaliseDistribution(_eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  const parsed = Envelope.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  const parts = parsed.data.events.map((event): NormaliseOutcome => {
    if (event.action !== 'push') return ignored(`unsupported-action:${event.action.slice(0, 32)}`);
    const target = event.target;
    if (target?.mediaType === undefined || !MANIFEST_MEDIA_TYPES.has(target.mediaType)) return ignored('blob-push');
    return imagePushedEvent(
      { source: 'distribution', repository: target.repository ?? '', digest: target.digest ?? '', tag: target.tag, mediaType: target.mediaType },
      delivery,
    );
  });
  return combineOutcomes(parts, 'events', 'empty-envelope');
}
