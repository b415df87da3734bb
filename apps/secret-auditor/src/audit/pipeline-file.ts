import { type RepoNotifyReading, type Severity } from '@portcullis/contracts';
import { parse as parseYaml } from 'yaml';
import { type RepositoryWorkspace } from './audit-push.ports.js';
import { readNotifySection, unreadableNotifySection } from './notify-section.schema.js';
import { defaultSecretsPolicy, resolveSecretsPolicy, type SecretsPolicy } from '@portcullis/secrets';

/** The repository's pipeline file, read at the audited commit. */
export const PIPELINE_FILE = '.portcullis.yaml';

/** What reading the pipeline file at one commit gave, as `RepositoryWorkspace.readFile` returns it. */
export type PipelineFileRead = Awaited<ReturnType<RepositoryWorkspace['readFile']>>;

/** What the auditor takes from the pipeline file: its `secrets:` policy and its `notify:` section. */
export interface PipelineFileSections {
  /** The policy the audit is judged by; `invalid` when the section (or the file) was unusable: the verdict is then `error`. */
  readonly secrets: { readonly policy: SecretsPolicy; readonly invalid: boolean };
  /** The `notify:` section for `audit.completed`; `undefined` when the file or the section is absent. */
  readonly notify: RepoNotifyReading | undefined;
}

/**
 * Parses the file once and reads both sections from the same document. Each section is judged on
 * its own: an invalid `notify:` never changes the secrets policy (nor the verdict), and an invalid
 * `secrets:` does not hide valid notify settings. A file that cannot be parsed at all spoils both.
 */
export function readPipelineFile(file: PipelineFileRead, platformFailOn: Severity): PipelineFileSections {
  if (file.kind === 'missing') return { secrets: { policy: defaultSecretsPolicy(platformFailOn), invalid: false }, notify: undefined };
  let document: Record<string, unknown> | undefined;
  try {
    if (file.kind === 'too-large') throw new Error('too large');
    const parsed = parseYaml(file.content, { maxAliasCount: 100, prettyErrors: false }) as unknown;
    document = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return { secrets: { policy: defaultSecretsPolicy(platformFailOn), invalid: true }, notify: unreadableNotifySection() };
  }
  const resolved = resolveSecretsPolicy(document?.['secrets'], platformFailOn);
  return {
    secrets: resolved.ok ? { policy: resolved.policy, invalid: false } : { policy: resolved.fallback, invalid: true },
    notify: readNotifySection(document?.['notify']),
  };
}
