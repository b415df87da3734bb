import { repositoryKey, SEVERITIES } from '@portcullis/contracts';
import { type Incident, type IncidentSighting } from './triage.ports.js';

/**
 * Folds sightings of one fingerprint into its incident. Locations are unique per repository + path,
 * oldest first, at most `maxLocations`; a sighting beyond the cap only sets `locationsTruncated`.
 * Idempotent: the same sighting twice changes nothing but `lastSeenAt`.
 */
export function mergeSightings(existing: Incident | undefined, sightings: readonly IncidentSighting[], maxLocations: number): Incident {
  const first = sightings[0];
  if (first === undefined && existing === undefined) throw new TypeError('mergeSightings needs an incident or a sighting');
  const fingerprint = existing?.fingerprint ?? first!.fingerprint;
  const locations = [...(existing?.locations ?? [])];
  const known = new Set(locations.map((l) => `${l.repository}\0${l.path}`));
  let truncated = existing?.locationsTruncated ?? false;
  let severity = existing?.severity ?? first!.severity;
  let firstSeenAt = existing?.firstSeenAt ?? first!.seenAt;
  let lastSeenAt = existing?.lastSeenAt ?? first!.seenAt;
  const ordered = [...sightings].sort((a, b) => Date.parse(a.seenAt) - Date.parse(b.seenAt));
  for (const s of ordered) {
    if (s.fingerprint !== fingerprint) throw new TypeError('mergeSightings got sightings of another fingerprint');
    if (SEVERITIES.indexOf(s.severity) < SEVERITIES.indexOf(severity)) severity = s.severity;
    if (Date.parse(s.seenAt) < Date.parse(firstSeenAt)) firstSeenAt = s.seenAt;
    if (Date.parse(s.seenAt) > Date.parse(lastSeenAt)) lastSeenAt = s.seenAt;
    const repository = repositoryKey(s.repository);
    const key = `${repository}\0${s.path}`;
    if (known.has(key)) continue;
    if (locations.length >= maxLocations) {
      truncated = true;
      continue;
    }
    known.add(key);
    locations.push({ repository, path: s.path, commit: s.commit, firstSeenAt: s.seenAt });
  }
  return {
    fingerprint,
    ruleId: existing?.ruleId ?? first!.ruleId,
    severity,
    firstSeenAt,
    lastSeenAt,
    locations,
    locationsTruncated: truncated,
  };
}

/** The repositories of an incident, each once, in the order they were first seen. */
export function repositoriesOf(incident: Pick<Incident, 'locations'>): string[] {
  return [...new Set(incident.locations.map((l) => l.repository))];
}
