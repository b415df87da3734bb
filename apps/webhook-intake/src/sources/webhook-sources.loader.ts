import { PortcullisError } from '@portcullis/errors';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SOURCE_PROVIDERS, type SourceProvider, type WebhookSource } from './webhook-source.js';

/** The sources file could not be used; the message lists every problem, never a secret value. */
export class WebhookSourcesError extends PortcullisError<'WEBHOOK_SOURCES_INVALID'> {}

const SEGMENT = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

const SecretRef = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name'), use: z.enum(['hmac', 'bearer']).optional() }).strict(),
  z.object({ file: z.string().min(1), use: z.enum(['hmac', 'bearer']).optional() }).strict(),
]);
type SecretRef = z.infer<typeof SecretRef>;

const SourceEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ and -, at most 63'),
    provider: z.enum(SOURCE_PROVIDERS),
    scope: z
      .object({ owner: z.string().regex(SEGMENT).optional(), repository: z.string().regex(/^[A-Za-z0-9._-]+$/).optional() })
      .strict()
      .refine((s) => s.repository === undefined || s.owner !== undefined, 'scope.repository needs scope.owner')
      .optional(),
    secrets: z.array(SecretRef).min(1, 'at least one secret').max(2, 'at most two secrets (old and new during a rotation)'),
    baseUrl: z.url({ protocol: /^https?$/ }),
    rateLimit: z
      .object({ perMinute: z.int().min(1).optional(), perRepositoryPerMinute: z.int().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict();

const SourcesFile = z.object({ sources: z.array(z.unknown()).min(1, 'at least one source') }).strict();

/** Where secrets and the file come from; the real environment and file system in main.ts, fakes in tests. */
export interface SourcesEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
}

export interface RateDefaults {
  readonly perMinute: number;
  readonly perRepositoryPerMinute: number;
}

/** A loaded CI source keeps its HMAC secrets and bearer tokens apart (`use:` of each secret). */
export interface LoadedSources {
  readonly sources: ReadonlyMap<string, WebhookSource>;
  /** Per CI source: which of its secrets are bearer tokens (the rest are HMAC secrets). */
  readonly bearerTokens: ReadonlyMap<string, readonly string[]>;
  /** Every secret value, for the log scrubber. */
  readonly secretValues: readonly string[];
}

function issuePath(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((p) => p !== '').join('.');
}

/**
 * Reads and validates the sources file (YAML or JSON: JSON is YAML) and the secrets it names.
 * Collects every problem before failing, so an operator fixes the file in one go. Messages name
 * variables and files, never their contents.
 */
export function loadWebhookSources(path: string, io: SourcesEnvironment, defaults: RateDefaults): LoadedSources {
  const problems: string[] = [];
  let document: unknown;
  try {
    document = parseYaml(io.readFile(path));
  } catch (error) {
    const reason = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unreadable or not YAML/JSON';
    throw invalid(path, [`cannot read the file: ${reason}`]);
  }
  const file = SourcesFile.safeParse(document);
  if (!file.success) throw invalid(path, file.error.issues.map((i) => `${issuePath('', i.path) || '(root)'}: ${i.message}`));

  const sources = new Map<string, WebhookSource>();
  const bearerTokens = new Map<string, string[]>();
  const secretValues: string[] = [];
  const seenIds = new Set<string>();
  file.data.sources.forEach((raw, index) => {
    const where = `sources[${index}]`;
    // Checked on the raw entry, so a duplicate is reported even when either entry has other problems.
    const rawId = typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : undefined;
    if (rawId !== undefined && seenIds.has(rawId)) problems.push(`${where}.id: "${rawId}" is used twice`);
    if (rawId !== undefined) seenIds.add(rawId);
    const entry = SourceEntry.safeParse(raw);
    if (!entry.success) {
      problems.push(...entry.error.issues.map((i) => `${issuePath(where, i.path)}: ${i.message}`));
      // Still check the secrets it names, so a missing variable is not discovered one fix later.
      const refs = z.array(SecretRef).safeParse(typeof raw === 'object' && raw !== null && 'secrets' in raw ? raw.secrets : undefined);
      if (refs.success) refs.data.forEach((ref, i) => readSecret(ref, io, `${where}.secrets[${i}]`, problems));
      return;
    }
    const source = entry.data;
    const hmac: string[] = [];
    const bearer: string[] = [];
    source.secrets.forEach((ref, i) => {
      const value = readSecret(ref, io, `${where}.secrets[${i}]`, problems);
      if (value === undefined) return;
      secretValues.push(value);
      if (ref.use === 'bearer') {
        if (source.provider !== 'ci') problems.push(`${where}.secrets[${i}].use: only ci sources take bearer tokens`);
        bearer.push(value);
      } else hmac.push(value);
    });
    sources.set(source.id, {
      id: source.id,
      provider: source.provider as SourceProvider,
      scope: source.scope ?? {},
      secrets: hmac,
      baseUrl: new URL(source.baseUrl),
      perMinute: source.rateLimit?.perMinute ?? defaults.perMinute,
      perRepositoryPerMinute: source.rateLimit?.perRepositoryPerMinute ?? defaults.perRepositoryPerMinute,
    });
    if (source.provider === 'ci') bearerTokens.set(source.id, bearer);
  });
  if (problems.length > 0) throw invalid(path, problems);
  return { sources, bearerTokens, secretValues };
}

function readSecret(ref: SecretRef, io: SourcesEnvironment, where: string, problems: string[]): string | undefined {
  let value: string | undefined;
  if ('env' in ref) {
    value = io.env[ref.env]?.trim();
    if (value === undefined || value === '') problems.push(`${where}: environment variable ${ref.env} is not set`);
  } else {
    try {
      value = io.readFile(ref.file).trim();
    } catch {
      problems.push(`${where}: cannot read secret file ${ref.file}`);
      return undefined;
    }
    if (value === '') problems.push(`${where}: secret file ${ref.file} is empty`);
  }
  if (value !== undefined && value !== '' && value.length < 8) problems.push(`${where}: secret is shorter than 8 characters`);
  return value === '' ? undefined : value;
}

function invalid(path: string, problems: readonly string[]): WebhookSourcesError {
  return new WebhookSourcesError({
    code: 'WEBHOOK_SOURCES_INVALID',
    disposition: 'permanent',
    message: `WEBHOOK_SOURCES_FILE ${path} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  });
}

/** The real file system, for main.ts. */
export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}
