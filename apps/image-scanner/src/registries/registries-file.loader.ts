import { PortcullisError } from '@portcullis/errors';
import { type RegistryConfig } from '@portcullis/registry';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** The registries file could not be used; the message lists every problem, never a secret value. */
export class RegistriesFileError extends PortcullisError<'REGISTRIES_FILE_INVALID'> {}

/** A secret named by reference: an environment variable or a file (a Kubernetes secret mount). */
const SecretRef = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
type SecretRef = z.infer<typeof SecretRef>;

const RegistryEntry = z
  .object({
    registry: z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?$/, 'a lower-case host[:port], as in image references'),
    url: z.url({ protocol: /^https?$/ }),
    insecure: z.boolean().optional(),
    caFile: z.string().min(1).optional(),
    username: z.string().min(1).max(256).optional(),
    password: SecretRef.optional(),
    bearerToken: SecretRef.optional(),
  })
  .strict()
  .refine((e) => (e.username === undefined) === (e.password === undefined), 'username and password go together')
  .refine((e) => e.bearerToken === undefined || e.password === undefined, 'either username/password or bearerToken');

const RegistriesFile = z.object({ registries: z.array(z.unknown()).max(100) }).strict();

/** Where secrets and the file come from: the real environment and file system in main.ts, fakes in tests. */
export interface RegistriesEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
}

export interface LoadedRegistries {
  readonly registries: readonly RegistryConfig[];
  /** Every credential value, for the log scrubber. */
  readonly secretValues: readonly string[];
}

/** Reads a text file (the default `readFile` of main.ts). */
export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * Reads and validates the registries file (YAML or JSON: JSON is YAML) and the credentials it
 * names by reference. Collects every problem before failing, so an operator fixes the file in one
 * go. Messages name variables and files, never their contents. An empty path means no registry:
 * every scan then fails with REGISTRY_NOT_CONFIGURED.
 */
export function loadRegistries(path: string, io: RegistriesEnvironment): LoadedRegistries {
  if (path === '') return { registries: [], secretValues: [] };
  let document: unknown;
  try {
    document = parseYaml(io.readFile(path));
  } catch (error) {
    const reason = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unreadable or not YAML/JSON';
    throw invalid(path, [`cannot read the file: ${reason}`]);
  }
  const file = RegistriesFile.safeParse(document);
  if (!file.success) throw invalid(path, file.error.issues.map((i) => `${pathOf('', i.path) || '(root)'}: ${i.message}`));
  const problems: string[] = [];
  const registries: RegistryConfig[] = [];
  const secretValues: string[] = [];
  const seen = new Set<string>();
  file.data.registries.forEach((raw, index) => {
    const where = `registries[${index}]`;
    const parsed = RegistryEntry.safeParse(raw);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${pathOf(where, i.path)}: ${i.message}`));
      return;
    }
    const entry = parsed.data;
    if (seen.has(entry.registry)) problems.push(`${where}.registry: "${entry.registry}" is configured twice`);
    seen.add(entry.registry);
    const url = new URL(entry.url);
    if (url.username || url.password) problems.push(`${where}.url: must not contain credentials (use username/password)`);
    if (url.protocol === 'http:' && entry.insecure !== true) problems.push(`${where}.url: plain http needs insecure: true`);
    const password = entry.password ? readSecret(entry.password, io, `${where}.password`, problems) : undefined;
    const bearerToken = entry.bearerToken ? readSecret(entry.bearerToken, io, `${where}.bearerToken`, problems) : undefined;
    let caPem: string | undefined;
    if (entry.caFile) {
      try {
        caPem = io.readFile(entry.caFile);
        if (!caPem.includes('-----BEGIN CERTIFICATE-----')) problems.push(`${where}.caFile: ${entry.caFile} is not a PEM certificate`);
      } catch {
        problems.push(`${where}.caFile: cannot read ${entry.caFile}`);
      }
    }
    for (const value of [password, bearerToken]) if (value !== undefined) secretValues.push(value);
    registries.push({
      registry: entry.registry,
      url: url.origin,
      ...(entry.insecure ? { insecure: true } : {}),
      ...(caPem ? { caPem } : {}),
      ...(entry.username && password ? { credentials: { username: entry.username, password } } : {}),
      ...(bearerToken ? { credentials: { bearerToken } } : {}),
    });
  });
  if (problems.length > 0) throw invalid(path, problems);
  return { registries, secretValues };
}

function readSecret(ref: SecretRef, io: RegistriesEnvironment, where: string, problems: string[]): string | undefined {
  let value: string | undefined;
  if ('env' in ref) {
    value = io.env[ref.env]?.trim();
    if (!value) problems.push(`${where}: environment variable ${ref.env} is not set`);
  } else {
    try {
      value = io.readFile(ref.file).trim();
    } catch {
      problems.push(`${where}: cannot read secret file ${ref.file}`);
      return undefined;
    }
    if (!value) problems.push(`${where}: secret file ${ref.file} is empty`);
  }
  return value || undefined;
}

function pathOf(prefix: string, path: readonly PropertyKey[]): string {
  return [prefix, ...path.map(String)].filter((p) => p !== '').join('.');
}

function invalid(path: string, problems: readonly string[]): RegistriesFileError {
  return new RegistriesFileError({
    code: 'REGISTRIES_FILE_INVALID',
    disposition: 'permanent',
    message: `registries file ${path} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
  });
}
