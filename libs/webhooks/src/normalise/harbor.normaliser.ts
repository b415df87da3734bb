import { z } from 'zod';
import { combineOutcomes, type DeliveryContext, ignored, invalid, issuesOf, type NormaliseOutcome } from './normalise-outcome.js';
import { imagePushedEvent, UNKNOWN_MEDIA_TYPE } from './registry-image.js';

/*
 * Harbor sends one of two formats, chosen per webhook policy: "Default" (`{ type: 'PUSH_ARTIFACT',
 * occur_at, operator, event_data }`) and "CloudEvents" (`{ specversion: '1.0', type:
 * 'harbor.artifact.pushed', data: <event_data> }`). The image path is `repository.repo_full_name`
 * (`project/repo`); `resources[].resource_url` names Harbor's own idea of its host and is ignored:
 * the registry is the configured one (`DeliveryContext.registryId`).
 */
const EventData = z.object({
  resources: z.array(z.object({ digest: z.string(), tag: z.string().nullish() })),
  repository: z.object({ repo_full_name: z.string() }),
});
// `data`/`event_data` are only checked for pushes: other events carry other shapes.
const DefaultPayload = z.object({ type: z.string(), event_data: z.unknown() });
const CloudEventPayload = z.object({ specversion: z.string(), type: z.string(), data: z.unknown() });

const PUSH_TYPES = new Set(['PUSH_ARTIFACT', 'harbor.artifact.pushed']);
const SCAN_COMPLETED_TYPES = new Set(['SCANNING_COMPLETED', 'harbor.scan.completed']);

function pushesOf(eventData: unknown, path: string, delivery: DeliveryContext): NormaliseOutcome {
  if (eventData === undefined) return invalid(path, 'a push carries its resources and repository');
  const parsed = EventData.safeParse(eventData);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error).map((issue) => ({ ...issue, path: `${path}.${issue.path}` })) };
  const data = parsed.data;
  const seen = new Set<string>();
  const parts = data.resources.flatMap((resource) => {
    // Several tags of one manifest arrive as several resources; one event per digest and tag.
    const key = `${resource.digest}\u0000${resource.tag ?? ''}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [
      imagePushedEvent(
        { source: 'harbor', repository: data.repository.repo_full_name, digest: resource.digest, tag: resource.tag, mediaType: UNKNOWN_MEDIA_TYPE },
        delivery,
      ),
    ];
  });
  return combineOutcomes(parts, `${path}.resources`, 'no-resources');
}

function byType(type: string, data: unknown, path: string, delivery: DeliveryContext): NormaliseOutcome {
  if (PUSH_TYPES.has(type)) return pushesOf(data, path, delivery);
  // Portcullis scans every pushed image itself (image-scanner); Harbor's own scan results are not an input.
  if (SCAN_COMPLETED_TYPES.has(type)) return ignored('harbor-scan-not-used:portcullis-scans-images-itself');
  return ignored(`unsupported-event:${type.slice(0, 64)}`);
}

/**
 * Harbor webhook payload → outcome. Harbor sends no event header, so the type comes from the body
 * (`eventType` is ignored). Artifact pushes become `image.pushed` events (`events`, one per
 * resource), `SCANNING_COMPLETED` and other types are `ignored`.
 */
export function normaliseHarbor(_eventType: string | undefined, payload: unknown, delivery: DeliveryContext): NormaliseOutcome {
  if (typeof payload === 'object' && payload !== null && 'specversion' in payload) {
    const parsed = CloudEventPayload.safeParse(payload);
    if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
    return byType(parsed.data.type, parsed.data.data, 'data', delivery);
  }
  const parsed = DefaultPayload.safeParse(payload);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  return byType(parsed.data.type, parsed.data.event_data, 'event_data', delivery);
}
