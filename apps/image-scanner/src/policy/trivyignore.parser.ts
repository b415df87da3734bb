import { endOfDayIfDate } from './image-policy.schema.js';

/** One advisory a `.trivyignore` file lists. */
export interface TrivyIgnoreEntry {
  readonly id: string;
  /** End of the `exp:YYYY-MM-DD` day (UTC); absent when the line has none (Trivy then ignores it forever). */
  readonly until?: string;
  /** The comment lines right above the entry, when there are any. */
  readonly reason?: string;
  /** 1-based line, for messages. */
  readonly line: number;
}

export interface TrivyIgnoreParse {
  readonly entries: readonly TrivyIgnoreEntry[];
  /** Lines that are not an id (with an optional valid `exp:`), with their line number. */
  readonly problems: readonly string[];
}

/** Bounds: the file comes from any pusher. */
export const MAX_TRIVYIGNORE_BYTES = 256 * 1024;
export const MAX_TRIVYIGNORE_ENTRIES = 1000;

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const EXP = /^exp:(\d{4}-\d{2}-\d{2})$/;

/**
 * Parses the plain `.trivyignore` format as Trivy documents it: one id per line, `#` starts a
 * comment (whole line or after the id), an optional `exp:YYYY-MM-DD` after the id ends the
 * entry's effect after that day. Bad lines are reported, not fatal: Trivy itself skips them.
 */
export function parseTrivyIgnore(text: string): TrivyIgnoreParse {
  const entries: TrivyIgnoreEntry[] = [];
  const problems: string[] = [];
  if (text.length > MAX_TRIVYIGNORE_BYTES) return { entries, problems: [`.trivyignore: larger than ${MAX_TRIVYIGNORE_BYTES} bytes; ignored`] };
  let comment: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') {
      comment = [];
      continue;
    }
    if (raw.startsWith('#')) {
      comment.push(raw.replace(/^#+\s*/, ''));
      continue;
    }
    const [code = ''] = raw.split('#', 1);
    const [id = '', ...rest] = code.trim().split(/\s+/);
    const line = i + 1;
    const exp = rest.length === 1 ? EXP.exec(rest[0]!) : null;
    if (!ID.test(id) || rest.length > 1 || (rest.length === 1 && (!exp || Number.isNaN(Date.parse(exp[1]!))))) {
      problems.push(`.trivyignore:${line}: expected an advisory id, optionally followed by exp:YYYY-MM-DD`);
      comment = [];
      continue;
    }
    if (entries.length >= MAX_TRIVYIGNORE_ENTRIES) {
      problems.push(`.trivyignore: more than ${MAX_TRIVYIGNORE_ENTRIES} entries; the rest is ignored`);
      break;
    }
    const reason = comment.join(' ').trim().slice(0, 500);
    entries.push({ id, ...(exp ? { until: endOfDayIfDate(exp[1]!) } : {}), ...(reason ? { reason } : {}), line });
    comment = [];
  }
  return { entries, problems };
}
