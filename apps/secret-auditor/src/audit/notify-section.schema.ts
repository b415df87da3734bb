import {
  MAX_REPO_NOTIFY_PATH_LENGTH,
  MAX_REPO_NOTIFY_PROBLEMS,
  type RepoNotifyProblem,
  type RepoNotifyReading,
  RepoNotifySettings,
} from '@portcullis/contracts';
import { z } from 'zod';

/*
 * The `notify:` section of a repository's `.portcullis.yaml`, read at the audited commit and
 * carried on `audit.completed` so the notifier never reads git. The wire schema (contracts) strips
 * unknown keys for compatibility; the file is held to the strict form, so a typo (`chanel`) reaches
 * the owners as a problem instead of silently routing to the platform default.
 */
const NotifySection = z.strictObject(RepoNotifySettings.shape);

/**
 * A key name is reported as is only when it reads like a word (`chanel`, `min_severity`): letters,
 * `_` and `-`, at most 24. Digits or length make it look like a pasted token, which must not travel
 * as a "key name"; such keys are reported as `*`.
 */
const REPORTABLE_KEY = /^[A-Za-z][A-Za-z_-]{0,23}$/;

/**
 * Reads the `notify:` section (`undefined` or `null` when the file or the section is absent, as
 * YAML gives `notify:` with nothing under it): its settings, or `invalid` with where it is wrong.
 * Problems name paths and a reason code, never a value, so the event can tell the owners safely.
 */
export function readNotifySection(section: unknown): RepoNotifyReading | undefined {
  if (section === undefined || section === null) return undefined;
  const parsed = NotifySection.safeParse(section);
  if (parsed.success) return { status: 'valid', settings: parsed.data };
  return invalidReading(parsed.error.issues.flatMap(problemsOf));
}

/** The file holding the section could not be parsed (or was too large): nothing of it applies. */
export function unreadableNotifySection(): RepoNotifyReading {
  return invalidReading([{ path: 'notify', reason: 'UNREADABLE_FILE' }]);
}

function invalidReading(all: readonly RepoNotifyProblem[]): RepoNotifyReading {
  const seen = new Set<string>();
  const problems = all.filter((p) => {
    const key = `${p.path}\0${p.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  // Zod reports at least one issue for a failed parse; the fallback keeps the contract's min(1) regardless.
  if (problems.length === 0) problems.push({ path: 'notify', reason: 'INVALID_VALUE' });
  return {
    status: 'invalid',
    problems: problems.slice(0, MAX_REPO_NOTIFY_PROBLEMS),
    problemsTruncated: problems.length > MAX_REPO_NOTIFY_PROBLEMS,
  };
}

function problemsOf(issue: z.core.$ZodIssue): RepoNotifyProblem[] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), reason: 'UNKNOWN_KEY' }));
  return [{ path: pathOf(issue.path), reason: reasonOf(issue) }];
}

function reasonOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return 'WRONG_TYPE';
    case 'too_big':
      return issue.origin === 'array' ? 'TOO_MANY' : 'TOO_LONG';
    case 'too_small':
      return issue.origin === 'array' ? 'TOO_FEW' : 'TOO_SHORT';
    default:
      return 'INVALID_VALUE';
  }
}

/** `notify.mentions[2]`; the contract's path grammar, so a hostile key cannot make the event invalid. */
function pathOf(segments: readonly PropertyKey[]): string {
  let path = 'notify';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += `.${typeof segment === 'string' && REPORTABLE_KEY.test(segment) ? segment : '*'}`;
  }
  return path.length <= MAX_REPO_NOTIFY_PATH_LENGTH ? path : 'notify';
}
