import { z } from 'zod';
import { compileGlob, compilePattern, type CompiledGlob, type CompiledPattern } from './patterns.js';
import { FORBIDDEN_PRESET_NAMES } from './presets.js';

/*
 * The `imageTests:` section of a repository's `.portcullis.yaml`, read at the commit an image was
 * built from (as `images:` is). The caller parses the YAML and hands the section over. Everything
 * is bounded (list lengths, string lengths, timeouts, bytes read), regular expressions and globs
 * are compiled with RE2 semantics while parsing, and unknown keys are refused: the file comes
 * from any pusher, and a typo must be an error, not a check that silently never runs.
 */

export const MAX_COMMANDS = 20;
export const MAX_FILE_CHECKS = 50;
export const MAX_GLOBS = 100;
export const MAX_PATTERNS_PER_LIST = 20;
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
export const MAX_COMMAND_TIMEOUT_MS = 300_000;
/** Default and largest number of leading bytes of one file that content patterns see. */
export const DEFAULT_READ_BYTES = 1024 * 1024;
export const MAX_READ_BYTES = 16 * 1024 * 1024;

const TestId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'an id: 1 to 63 lower-case letters, digits and . _ - (starting with a letter or digit)');

const Pattern = z.string().transform((source, ctx): CompiledPattern => {
  const compiled = compilePattern(source);
  if (compiled.ok) return compiled.value;
  ctx.addIssue({ code: 'custom', message: compiled.message });
  return z.NEVER;
});
const Patterns = z.array(Pattern).min(1).max(MAX_PATTERNS_PER_LIST);

const Glob = z.string().transform((source, ctx): CompiledGlob => {
  const compiled = compileGlob(source);
  if (compiled.ok) return compiled.value;
  ctx.addIssue({ code: 'custom', message: compiled.message });
  return z.NEVER;
});
const Globs = z.array(Glob).min(1).max(MAX_GLOBS);

/** `30s`, `2m`, `500ms`, or a number of seconds. */
const Timeout = z
  .union([z.number().positive(), z.string().regex(/^\d{1,6}(ms|s|m)$/, 'a duration such as 30s, 2m or 500ms')])
  .transform((value) => {
    if (typeof value === 'number') return Math.round(value * 1000);
    const amount = Number(/^\d+/.exec(value)![0]);
    return value.endsWith('ms') ? amount : value.endsWith('m') ? amount * 60_000 : amount * 1000;
  })
  .refine((ms) => ms >= 1 && ms <= MAX_COMMAND_TIMEOUT_MS, `at most ${MAX_COMMAND_TIMEOUT_MS / 1000}s`);

/** An octal permission string such as `0755` or `4755`. */
const Mode = z
  .union([z.string().regex(/^0?[0-7]{3,4}$/, 'an octal mode such as 0755'), z.number().int().min(0).max(0o7777)])
  .transform((value) => (typeof value === 'number' ? value : parseInt(value, 8)));

const Port = z
  .union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, 'a port such as 8080 or 8080/tcp')])
  .transform((value) => (typeof value === 'number' ? `${value}/tcp` : value.includes('/') ? value : `${value}/tcp`))
  .refine((value) => {
    const n = Number(value.split('/')[0]);
    return n >= 1 && n <= 65535;
  }, 'a port between 1 and 65535');

const LabelName = z.string().min(1).max(256).regex(/^[^\s=]+$/, 'a label name without spaces or `=`');
const EnvName = z.string().min(1).max(256).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'an environment variable name');
const Argv = z.array(z.string().max(4096)).max(64);

const Metadata = z.strictObject({
  /** The image must not run as root (`User` empty, `root`, `0` or `0:…` count as root). */
  nonRoot: z.boolean().optional(),
  /** The image's `User`, exactly (`1000`, `1000:1000`, `app`). */
  user: z.string().min(1).max(256).optional(),
  /** The image's `Entrypoint`, exactly; `[]` = none. */
  entrypoint: Argv.optional(),
  /** The image's `Cmd`, exactly; `[]` = none. */
  cmd: Argv.optional(),
  /** The image's `WorkingDir`, exactly. */
  workingDir: z.string().min(1).max(4096).optional(),
  /** Every port the image exposes must be in this list (`8080` means `8080/tcp`); `[]` = exposes nothing. */
  exposedPorts: z.array(Port).max(100).optional(),
  /** Labels that must be present and not empty (e.g. `org.opencontainers.image.source`). */
  requiredLabels: z.array(LabelName).min(1).max(50).optional(),
  /** Labels that must be present and match a regular expression. */
  labels: z.record(LabelName, Pattern).optional().refine((record) => record === undefined || Object.keys(record).length <= 50, 'at most 50 labels'),
  /** No environment variable may look like a secret (default true whenever `metadata` is present). */
  noSecretEnv: z.boolean().optional(),
  /** Environment variable names exempt from `noSecretEnv` (a public key, a non-secret `*_TOKEN_URL`). */
  allowEnv: z.array(EnvName).max(100).optional(),
  /** The image's `os`, exactly. */
  os: z.string().min(1).max(64).optional(),
  /** The image's `architecture` (with `/variant` if given: `arm64/v8`) must be one of these. */
  architecture: z.union([z.string().min(1).max(64), z.array(z.string().min(1).max(64)).min(1).max(20)]).optional(),
});

const FileCheck = z.strictObject({
  /** Names the check in results (`content.file.<id>`). */
  id: TestId,
  /** Which entries the check applies to; it fails when none matches. */
  path: Glob,
  type: z.enum(['file', 'directory', 'symlink']).optional(),
  /** Permission bits, exactly (`0755`). */
  mode: Mode.optional(),
  /** No permission bit outside these (`0755` refuses group/other write and setuid). */
  maxMode: Mode.optional(),
  uid: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  gid: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  /** Each pattern must match the file's first `content.maxReadBytes`. */
  contains: Patterns.optional(),
  /** No pattern may match the file's first `content.maxReadBytes`. */
  notContains: Patterns.optional(),
});

const Content = z.strictObject({
  /** Presets of paths that must not exist (see FORBIDDEN_PRESETS). */
  forbid: z.array(z.enum(FORBIDDEN_PRESET_NAMES)).min(1).max(FORBIDDEN_PRESET_NAMES.length).optional(),
  /** Each glob must match at least one entry. */
  mustExist: Globs.optional(),
  /** No glob may match an entry. */
  mustNotExist: Globs.optional(),
  files: z.array(FileCheck).min(1).max(MAX_FILE_CHECKS).optional(),
  /** Leading bytes of a file that content patterns see (default 1 MiB, at most 16 MiB). */
  maxReadBytes: z.number().int().min(1).max(MAX_READ_BYTES).optional(),
});

const OutputExpectation = z.strictObject({
  /** Every pattern must match the (bounded) output. */
  match: Patterns.optional(),
  /** No pattern may match the (bounded) output. */
  notMatch: Patterns.optional(),
});

const Command = z.strictObject({
  /** Names the test in results (`command.<id>`). */
  id: TestId,
  /** The program and its arguments; replaces the image's entrypoint. No shell unless you name one. */
  argv: Argv.min(1),
  /** Expected exit code (default 0). */
  exitCode: z.number().int().min(0).max(255).optional(),
  stdout: OutputExpectation.optional(),
  stderr: OutputExpectation.optional(),
  /** `30s` by default, at most `300s`; past it the command is killed and the test fails. */
  timeout: Timeout.optional(),
  /** Run as this user (`1000`, `1000:1000`; a name only where the runner supports it). Default: the image's user. */
  user: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/, 'a user such as 1000, 1000:1000 or app').optional(),
  /** Allow the command to run as root (refused by default). */
  runAsRoot: z.boolean().optional(),
});

/** The `imageTests:` section. */
export const ImageTestsSection = z
  .strictObject({
    metadata: Metadata.optional(),
    content: Content.optional(),
    commands: z.array(Command).min(1).max(MAX_COMMANDS).optional(),
  })
  .superRefine((section, ctx) => {
    const seen = new Set<string>();
    section.commands?.forEach((command, index) => {
      if (seen.has(command.id)) ctx.addIssue({ code: 'custom', path: ['commands', index, 'id'], message: `duplicate id ${command.id}` });
      seen.add(command.id);
    });
    const files = new Set<string>();
    section.content?.files?.forEach((file, index) => {
      if (files.has(file.id)) ctx.addIssue({ code: 'custom', path: ['content', 'files', index, 'id'], message: `duplicate id ${file.id}` });
      files.add(file.id);
    });
  });
/** The section as written in YAML. */
export type ImageTestsSectionInput = z.input<typeof ImageTestsSection>;

type Parsed = z.output<typeof ImageTestsSection>;
export type MetadataSpec = NonNullable<Parsed['metadata']>;
export type ContentSpec = NonNullable<Parsed['content']>;
export type FileCheckSpec = NonNullable<ContentSpec['files']>[number];
export type CommandSpec = NonNullable<Parsed['commands']>[number];
export type OutputExpectationSpec = NonNullable<CommandSpec['stdout']>;

/** A validated section: regular expressions and globs compiled, durations in milliseconds. */
export interface ImageTestSpec {
  readonly metadata?: MetadataSpec;
  readonly content?: ContentSpec;
  readonly commands: readonly CommandSpec[];
}

export type ImageTestSpecResolution = { readonly ok: true; readonly spec: ImageTestSpec | undefined } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates the `imageTests:` section (`undefined` when the file or the section is absent, which
 * yields `spec: undefined`: no image tests). An invalid section yields every problem with its
 * path (`imageTests.commands[1].timeout: at most 300s`); the caller reports the gate as failed.
 */
export function resolveImageTests(section: unknown): ImageTestSpecResolution {
  if (section === undefined || section === null) return { ok: true, spec: undefined };
  const parsed = ImageTestsSection.safeParse(section);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.slice(0, 50).map((issue) => `${['imageTests', ...issue.path.map(String)].join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]')}: ${issue.message}`),
    };
  }
  const { metadata, content, commands } = parsed.data;
  return { ok: true, spec: { ...(metadata ? { metadata } : {}), ...(content ? { content } : {}), commands: commands ?? [] } };
}
