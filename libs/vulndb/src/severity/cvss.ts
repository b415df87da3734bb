/**
 * CVSS base scores from vector strings, by the formulas of the CVSS v3.1 specification (§7.1, with
 * the Appendix A `Roundup`; v3.0 vectors use the same formula) and the CVSS v2 guide (§3.2.1).
 * CVSS v4 scores need the full MacroVector lookup table and are not computed here.
 */

function metricsOf(vector: string, prefixOk: (prefix: string) => boolean): Map<string, string> | undefined {
  const parts = vector.trim().split('/');
  const metrics = new Map<string, string>();
  for (const [i, part] of parts.entries()) {
    const [key, value, extra] = part.split(':');
    if (key === undefined || value === undefined || extra !== undefined) return undefined;
    if (i === 0 && key === 'CVSS') {
      if (!prefixOk(value)) return undefined;
      continue;
    }
    if (metrics.has(key)) return undefined;
    metrics.set(key, value);
  }
  return metrics;
}

function pick(metrics: Map<string, string>, key: string, table: Record<string, number>): number | undefined {
  const value = metrics.get(key);
  return value === undefined ? undefined : table[value];
}

/** CVSS v3.1 Appendix A: round up to one decimal, robust against floating point error. */
function roundUp(x: number): number {
  const int = Math.round(x * 100_000);
  return int % 10_000 === 0 ? int / 100_000 : (Math.floor(int / 10_000) + 1) / 10;
}

/** Base score of a `CVSS:3.0/...` or `CVSS:3.1/...` vector; `undefined` when malformed. */
export function cvss3BaseScore(vector: string): number | undefined {
  if (!vector.startsWith('CVSS:3.')) return undefined;
  const m = metricsOf(vector, (v) => v === '3.0' || v === '3.1');
  if (m === undefined) return undefined;
  const scope = m.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const changed = scope === 'C';
  const av = pick(m, 'AV', { N: 0.85, A: 0.62, L: 0.55, P: 0.2 });
  const ac = pick(m, 'AC', { L: 0.77, H: 0.44 });
  const pr = pick(m, 'PR', changed ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 });
  const ui = pick(m, 'UI', { N: 0.85, R: 0.62 });
  const cia = { H: 0.56, L: 0.22, N: 0 };
  const c = pick(m, 'C', cia);
  const i = pick(m, 'I', cia);
  const a = pick(m, 'A', cia);
  if (av === undefined || ac === undefined || pr === undefined || ui === undefined || c === undefined || i === undefined || a === undefined) {
    return undefined;
  }
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return roundUp(Math.min(changed ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
}

/** Base score of a CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally `(...)`-wrapped). */
export function cvss2BaseScore(vector: string): number | undefined {
  const m = metricsOf(vector.replace(/^\(|\)$/g, ''), (v) => v === '2.0');
  if (m === undefined) return undefined;
  const av = pick(m, 'AV', { L: 0.395, A: 0.646, N: 1 });
  const ac = pick(m, 'AC', { H: 0.35, M: 0.61, L: 0.71 });
  const au = pick(m, 'Au', { M: 0.45, S: 0.56, N: 0.704 });
  const cia = { N: 0, P: 0.275, C: 0.66 };
  const c = pick(m, 'C', cia);
  const i = pick(m, 'I', cia);
  const a = pick(m, 'A', cia);
  if (av === undefined || ac === undefined || au === undefined || c === undefined || i === undefined || a === undefined) return undefined;
  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  const exploitability = 20 * av * ac * au;
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}
