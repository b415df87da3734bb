import type { Severity } from '@portcullis/contracts';
import type { OsvAffected, OsvRecord, OsvSeverity } from '../osv/osv.schema.js';
import { cvss2BaseScore, cvss3BaseScore } from './cvss.js';

/** Severity of a finding: the contracts' scale, so values flow into events unchanged. */
export type { Severity };

const RANK: Record<Severity, number> = { unknown: 0, low: 1, medium: 2, high: 3, critical: 4 };

function maxSeverity(values: readonly Severity[]): Severity {
  return values.reduce<Severity>((best, s) => (RANK[s] > RANK[best] ? s : best), 'unknown');
}

/** CVSS v3 qualitative rating (v3.1 §5); a 0.0 ("None") score counts as low. */
export function severityOfCvss3(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** NVD's CVSS v2 rating: low < 4, medium < 7, high otherwise (v2 has no critical). */
function severityOfCvss2(score: number): Severity {
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  return 'low';
}

/** Text labels used by sources: GHSA (`MODERATE`), Ubuntu (`negligible`), Debian urgencies, ... */
export function severityOfLabel(label: unknown): Severity {
  if (typeof label !== 'string') return 'unknown';
  switch (label.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'negligible':
    case 'unimportant':
      return 'low';
    default:
      return 'unknown';
  }
}

function fromEntries(entries: readonly OsvSeverity[], type: string, score: (vector: string) => number | undefined, rate: (n: number) => Severity): Severity {
  return maxSeverity(
    entries.filter((e) => e.type === type).map((e) => {
      const n = score(e.score);
      return n === undefined ? 'unknown' : rate(n);
    }),
  );
}

/**
 * Severity of a record for one affected package, in order of preference: a computed CVSS v3 base
 * score (record or affected entry; the highest if several), a source label
 * (`database_specific.severity` / `ecosystem_specific.severity` of the affected entry or the
 * record, `Ubuntu` severity entries), a computed CVSS v2 score, else `unknown`. CVSS v4 vectors
 * alone give `unknown` unless a label is present.
 */
export function severityOf(record: OsvRecord, affected: OsvAffected | undefined): Severity {
  const entries = [...(record.severity ?? []), ...(affected?.severity ?? [])];
  const v3 = fromEntries(entries, 'CVSS_V3', cvss3BaseScore, severityOfCvss3);
  if (v3 !== 'unknown') return v3;
  const label = maxSeverity([
    severityOfLabel(affected?.database_specific?.severity),
    severityOfLabel(affected?.ecosystem_specific?.severity),
    severityOfLabel(record.database_specific?.severity),
    ...entries.filter((e) => e.type === 'Ubuntu').map((e) => severityOfLabel(e.score)),
  ]);
  if (label !== 'unknown') return label;
  return fromEntries(entries, 'CVSS_V2', cvss2BaseScore, severityOfCvss2);
}
