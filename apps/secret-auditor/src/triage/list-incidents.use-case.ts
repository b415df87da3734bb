import { type TriageState } from '@portcullis/contracts';
import { repositoriesOf } from './incident-merge.js';
import { effectiveTriageState, isLapsed } from './triage-decision.js';
import { type Clock, type Incident, type IncidentIndex, type IncidentLocation, type TriageRecord, type TriageStore } from './triage.ports.js';

/** An incident as the API shows it: where the secret is, and what was decided about it. */
export interface IncidentView {
  readonly fingerprint: string;
  /** The state it counts as now (a lapsed acceptance is `open`). */
  readonly state: TriageState;
  /** The decision in force, if any; `lapsed` when an acceptance ran out. */
  readonly triage?: TriageRecord & { readonly lapsed: boolean };
  readonly ruleId?: string;
  readonly severity?: Incident['severity'];
  readonly firstSeenAt?: string;
  readonly lastSeenAt?: string;
  /** Every repository it was found in (up to the location cap). */
  readonly repositories: readonly string[];
  readonly locations: readonly IncidentLocation[];
  readonly locationsTruncated: boolean;
}

export interface IncidentPage {
  readonly items: readonly IncidentView[];
  /** Continue after this fingerprint; absent when the list is complete. */
  readonly nextCursor?: string;
}

/** Fingerprints examined per request at most: a filter matching few incidents returns a short page and a cursor instead of scanning everything. */
const MAX_EXAMINED = 5_000;

type Deps = { readonly incidents: IncidentIndex; readonly triage: TriageStore; readonly clock: Clock };

/** ListIncidents: incidents in fingerprint order, optionally only those in one (effective) state. */
export class ListIncidents {
  constructor(private readonly deps: Deps) {}

  async execute(query: { readonly state?: TriageState; readonly cursor?: string; readonly limit: number }): Promise<IncidentPage> {
    const now = this.deps.clock.now();
    const items: IncidentView[] = [];
    let after = query.cursor;
    let examined = 0;
    for (;;) {
      const batch = Math.min(Math.max(query.limit * 2, 100), MAX_EXAMINED - examined);
      const page = await this.deps.incidents.page({ ...(after === undefined ? {} : { after }), limit: batch });
      examined += page.fingerprints.length;
      const [incidents, decisions] = await Promise.all([this.deps.incidents.findMany(page.fingerprints), this.deps.triage.findMany(page.fingerprints)]);
      for (const fp of page.fingerprints) {
        after = fp;
        const view = viewOf(fp, incidents.get(fp), decisions.get(fp), now);
        if (query.state !== undefined && view.state !== query.state) continue;
        items.push(view);
        if (items.length === query.limit) {
          const more = page.nextCursor !== undefined || fp !== page.fingerprints[page.fingerprints.length - 1];
          return more ? { items, nextCursor: fp } : { items };
        }
      }
      if (page.nextCursor === undefined) return { items };
      if (examined >= MAX_EXAMINED) return { items, nextCursor: after! };
    }
  }
}

/** ShowIncident: one fingerprint, seen in an audit, triaged, or both. */
export class ShowIncident {
  constructor(private readonly deps: Deps) {}

  async execute(fingerprint: string): Promise<IncidentView | undefined> {
    const [incident, decision] = await Promise.all([this.deps.incidents.find(fingerprint), this.deps.triage.find(fingerprint)]);
    if (incident === undefined && decision === undefined) return undefined;
    return viewOf(fingerprint, incident, decision, this.deps.clock.now());
  }
}

function viewOf(fingerprint: string, incident: Incident | undefined, decision: TriageRecord | undefined, now: Date): IncidentView {
  return {
    fingerprint,
    state: effectiveTriageState(decision, now),
    ...(decision === undefined ? {} : { triage: { ...decision, lapsed: isLapsed(decision, now) } }),
    ...(incident === undefined
      ? {}
      : { ruleId: incident.ruleId, severity: incident.severity, firstSeenAt: incident.firstSeenAt, lastSeenAt: incident.lastSeenAt }),
    repositories: incident === undefined ? [] : repositoriesOf(incident),
    locations: incident?.locations ?? [],
    locationsTruncated: incident?.locationsTruncated ?? false,
  };
}
