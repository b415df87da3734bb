import { type Severity } from '@portcullis/contracts';
import { resolveImageTests } from '@portcullis/image-tests';
import { resolveSecretsPolicy } from '@portcullis/secrets';
import { createHash } from 'node:crypto';
import { type ImageSecretsPolicy } from '../secrets/judge-secrets.js';
import { parse as parseYaml } from 'yaml';
import { defaultImagePolicy, resolveImagePolicy } from './image-policy.schema.js';
import { type ImageTestsPolicy, type ResolvedImagePolicy } from './policy-source.js';
import { MAX_TRIVYIGNORE_BYTES, parseTrivyIgnore, type TrivyIgnoreEntry } from './trivyignore.parser.js';

/** Bounds on the repository's files: both come from any pusher. */
export const MAX_POLICY_YAML_BYTES = 64 * 1024;
export { MAX_TRIVYIGNORE_BYTES };
/** Anchors expanded per document (the "billion laughs" guard), as the secret-auditor reads `secrets:`. */
const MAX_ALIAS_COUNT = 100;

/** One policy file at a commit, as the git adapter read it. */
export type PolicyFile = { readonly kind: 'found'; readonly text: string } | { readonly kind: 'missing' } | { readonly kind: 'too-large' };

/** `.portcullis.yaml` and `.trivyignore` at the commit an image was built from. */
export interface RepositoryPolicyFiles {
  readonly portcullisYaml: PolicyFile;
  readonly trivyignore: PolicyFile;
}

/** The resolved policy, and what an operator should learn about it (logged, never the file content). */
export interface RepositoryPolicyReading {
  readonly resolved: ResolvedImagePolicy;
  readonly notes: readonly string[];
}

/**
 * Turns the two files into the policy a release is judged by:
 *
 * - no `.portcullis.yaml` (or no `images:` in it) and no `.trivyignore`: the platform default;
 * - a `.portcullis.yaml` that is too large, not YAML, not a mapping, or whose `images:` section
 *   fails validation: `invalid` with every problem (the verdict becomes `error`, never a silent
 *   default: the author meant to say something);
 * - `.trivyignore` lines Trivy would skip are skipped here too, and a `.trivyignore` over its cap
 *   is ignored; both are notes, not errors, since ignoring a suppression can only make the verdict
 *   stricter;
 * - a `secrets:` section is resolved as the secret-auditor resolves it (`resolved.secrets`); an
 *   invalid one makes the secrets verdict `error`, the vulnerability policy is unaffected;
 * - an `imageTests:` section is validated (`resolved.imageTests`); an invalid one fails the
 *   image-tests gate with its problems, nothing else.
 */
export function readRepositoryPolicy(files: RepositoryPolicyFiles, platform: { failOn: Severity; requireFix: boolean; secretsFailOn?: Severity }): RepositoryPolicyReading {
  const notes: string[] = [];
  let trivyignore: readonly TrivyIgnoreEntry[] = [];
  if (files.trivyignore.kind === 'too-large') {
    notes.push(`.trivyignore: larger than ${MAX_TRIVYIGNORE_BYTES} bytes; ignored`);
  } else if (files.trivyignore.kind === 'found') {
    const parsed = parseTrivyIgnore(files.trivyignore.text);
    trivyignore = parsed.entries;
    notes.push(...parsed.problems);
  }

  const document = topLevel(files.portcullisYaml);
  if (!document.ok) return { resolved: { policy: defaultImagePolicy(platform), source: 'default', invalid: document.problems }, notes };
  const secrets = secretsOf(document.value?.['secrets'], platform.secretsFailOn);
  const imageTests = imageTestsOf(document.value?.['imageTests']);
  const resolution = resolveImagePolicy(document.value?.['images'], { trivyignore, platform });
  if (!resolution.ok) return { resolved: { policy: resolution.fallback, source: 'default', invalid: resolution.problems, ...secrets, ...imageTests }, notes };
  return { resolved: { policy: resolution.policy, source: resolution.source, ...secrets, ...imageTests }, notes };
}

/**
 * The `secrets:` section, resolved with libs/secrets exactly as the secret-auditor and the CLI do,
 * so one suppression (by fingerprint, or rule and path) covers a secret in the repository and in
 * the images built from it. Absent section: nothing (the caller uses the platform default).
 */
function secretsOf(section: unknown, platformFailOn: Severity | undefined): { secrets?: ImageSecretsPolicy } {
  if (section === undefined) return {};
  const resolution = resolveSecretsPolicy(section, platformFailOn);
  return { secrets: resolution.ok ? { policy: resolution.policy } : { policy: resolution.fallback, invalid: resolution.problems } };
}

/**
 * The `imageTests:` section, validated with libs/image-tests. It is kept as JSON (what the policy
 * cache stores) and validated in that form, so a cached section compiles exactly as this one did.
 * Absent (or `null`) section: nothing, no image tests.
 */
function imageTestsOf(section: unknown): { imageTests?: ImageTestsPolicy } {
  if (section === undefined || section === null) return {};
  const json = JSON.stringify(section);
  const value: unknown = JSON.parse(json);
  const resolution = resolveImageTests(value);
  if (!resolution.ok) return { imageTests: { invalid: resolution.problems } };
  return { imageTests: { section: value, hash: createHash('sha256').update(json).digest('hex').slice(0, 32) } };
}

/** The top-level mapping (`undefined` when the file is absent or empty), or why it cannot be read. */
function topLevel(file: PolicyFile): { ok: true; value: Record<string, unknown> | undefined } | { ok: false; problems: string[] } {
  if (file.kind === 'missing') return { ok: true, value: undefined };
  if (file.kind === 'too-large') return { ok: false, problems: [`.portcullis.yaml: larger than ${MAX_POLICY_YAML_BYTES} bytes`] };
  let document: unknown;
  try {
    // prettyErrors off: messages name the line and column without quoting the file.
    document = parseYaml(file.text, { maxAliasCount: MAX_ALIAS_COUNT, prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unreadable';
    return { ok: false, problems: [`.portcullis.yaml: not valid YAML: ${message.slice(0, 300)}`] };
  }
  // An empty file (or only comments) is an empty policy.
  if (document === null || document === undefined) return { ok: true, value: undefined };
  if (typeof document !== 'object' || Array.isArray(document)) return { ok: false, problems: ['.portcullis.yaml: expected a mapping at the top level'] };
  return { ok: true, value: document as Record<string, unknown> };
}
