import { compileGlob, compilePattern, normalisePath, type CompiledGlob, type CompiledPattern } from './patterns.js';
import type { FsEntry, ImageFileSystem } from './image-file-system.js';
import { DEFAULT_READ_BYTES, type FileCheckSpec, type ImageTestSpec } from './image-tests.schema.js';
import { FORBIDDEN_PRESETS, type ForbiddenPreset, type ForbiddenPresetName } from './presets.js';
import { listed, result, type ImageTestResult } from './results.js';

/** Entries looked at before the walk stops: an image with more is not judged (checks not run). */
export const MAX_ENTRIES = 2_000_000;
/** Bytes read from files across all content checks of one image. */
export const MAX_TOTAL_READ_BYTES = 256 * 1024 * 1024;
/** Paths remembered per check (matches shown in reasons, files queued for reading). */
const MAX_PATHS_PER_CHECK = 10_000;
/** Leading bytes of a PEM-like file a preset reads to look for a private key header. */
const PRESET_READ_BYTES = 64 * 1024;

interface CompiledPreset {
  readonly name: ForbiddenPresetName;
  readonly globs: readonly CompiledGlob[];
  readonly except: readonly CompiledGlob[];
  readonly content?: { readonly globs: readonly CompiledGlob[]; readonly pattern: CompiledPattern; readonly what: string };
}

function must<T>(compiled: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!compiled.ok) throw new Error(`built-in preset does not compile: ${compiled.message}`);
  return compiled.value;
}

const compiledPresets = new Map<ForbiddenPresetName, CompiledPreset>();
function presetOf(name: ForbiddenPresetName): CompiledPreset {
  let compiled = compiledPresets.get(name);
  if (!compiled) {
    const preset: ForbiddenPreset = FORBIDDEN_PRESETS[name];
    compiled = {
      name,
      globs: preset.globs.map((g) => must(compileGlob(g))),
      except: (preset.except ?? []).map((g) => must(compileGlob(g))),
      ...(preset.content
        ? { content: { globs: preset.content.globs.map((g) => must(compileGlob(g))), pattern: must(compilePattern(preset.content.pattern)), what: preset.content.what } }
        : {}),
    };
    compiledPresets.set(name, compiled);
  }
  return compiled;
}

const push = (list: string[], path: string): void => {
  if (list.length < MAX_PATHS_PER_CHECK) list.push(path);
};

/** Where a file check stands after the walk. */
interface FileCheckState {
  readonly spec: FileCheckSpec;
  matched: number;
  readonly problems: string[];
  readonly toRead: string[];
  overflow: boolean;
}

function octal(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

function metadataProblem(spec: FileCheckSpec, entry: FsEntry, path: string): string | undefined {
  if (spec.type !== undefined && entry.type !== spec.type) return `${path} is a ${entry.type}, expected a ${spec.type}`;
  const mode = entry.mode & 0o7777;
  if (spec.mode !== undefined && mode !== spec.mode) return `${path} has mode ${octal(mode)}, expected ${octal(spec.mode)}`;
  if (spec.maxMode !== undefined && (mode & ~spec.maxMode) !== 0) return `${path} has mode ${octal(mode)}, more than ${octal(spec.maxMode)}`;
  if (spec.uid !== undefined && entry.uid !== spec.uid) return `${path} is owned by uid ${entry.uid}, expected ${spec.uid}`;
  if (spec.gid !== undefined && entry.gid !== spec.gid) return `${path} has gid ${entry.gid}, expected ${spec.gid}`;
  return undefined;
}

const decoder = new TextDecoder('utf-8');

/**
 * Judges an image's merged file system by the `content:` checks: one walk over the entries, then
 * reads of the files content patterns need (each up to `maxReadBytes`, all within
 * {@link MAX_TOTAL_READ_BYTES}). Without a file system every check is `not-run`. Reasons name paths
 * and patterns, never file content.
 */
export async function evaluateContent(fs: ImageFileSystem | undefined, tests: ImageTestSpec | undefined): Promise<ImageTestResult[]> {
  const spec = tests?.content;
  if (!spec) return [];
  const ids = [
    ...(spec.forbid ?? []).map((name) => `content.forbid.${name}`),
    ...(spec.mustExist ? ['content.mustExist'] : []),
    ...(spec.mustNotExist ? ['content.mustNotExist'] : []),
    ...(spec.files ?? []).map((file) => `content.file.${file.id}`),
  ];
  if (!fs) return ids.map((id) => result(id, 'content', 'not-run', 'the image file system was not available'));

  const presets = [...new Set(spec.forbid ?? [])].map(presetOf);
  const presetHits = presets.map(() => [] as string[]);
  const presetReads = presets.map(() => [] as string[]);
  const mustExist = (spec.mustExist ?? []).map((glob) => ({ glob, found: false }));
  const mustNotExist: string[] = [];
  const files: FileCheckState[] = (spec.files ?? []).map((check) => ({ spec: check, matched: 0, problems: [], toRead: [], overflow: false }));
  const wantsContent = (check: FileCheckSpec): boolean => check.contains !== undefined || check.notContains !== undefined;

  let seen = 0;
  for await (const entry of fs.entries()) {
    if (++seen > MAX_ENTRIES) {
      return ids.map((id) => result(id, 'content', 'not-run', `the image has more than ${MAX_ENTRIES} file system entries`));
    }
    const path = normalisePath(entry.path);
    if (path === '') continue;
    presets.forEach((preset, i) => {
      if (preset.except.some((g) => g.matches(path))) return;
      if (preset.globs.some((g) => g.matches(path))) push(presetHits[i]!, path);
      else if (preset.content && entry.type === 'file' && preset.content.globs.some((g) => g.matches(path))) push(presetReads[i]!, path);
    });
    for (const item of mustExist) if (!item.found && item.glob.matches(path)) item.found = true;
    if (spec.mustNotExist?.some((g) => g.matches(path))) push(mustNotExist, path);
    for (const state of files) {
      if (!state.spec.path.matches(path)) continue;
      state.matched++;
      const problem = metadataProblem(state.spec, entry, path);
      if (problem) push(state.problems, problem);
      else if (wantsContent(state.spec) && entry.type === 'file') {
        if (state.toRead.length < MAX_PATHS_PER_CHECK) state.toRead.push(path);
        else state.overflow = true;
      }
    }
  }

  const readBytes = spec.maxReadBytes ?? DEFAULT_READ_BYTES;
  // Every read is known now: a file system backed by image layers reads them in one pass per layer.
  await fs.prefetch?.([
    ...presetReads.flatMap((paths) => paths.map((path) => ({ path, maxBytes: PRESET_READ_BYTES }))),
    ...files.flatMap((state) => state.toRead.map((path) => ({ path, maxBytes: readBytes }))),
  ]);

  let budget = MAX_TOTAL_READ_BYTES;
  /** Reads a file's head within the shared budget; `undefined` once the budget is spent. */
  const read = async (path: string, maxBytes: number): Promise<string | undefined | null> => {
    if (budget <= 0) return null;
    const bytes = await fs.readHead(path, Math.min(maxBytes, budget));
    if (!bytes) return undefined;
    budget -= bytes.byteLength;
    return decoder.decode(bytes);
  };

  const out: ImageTestResult[] = [];
  for (const [i, preset] of presets.entries()) {
    const id = `content.forbid.${preset.name}`;
    const hits = [...presetHits[i]!];
    let exhausted = false;
    if (preset.content) {
      for (const path of presetReads[i]!) {
        const text = await read(path, PRESET_READ_BYTES);
        if (text === null) {
          exhausted = true;
          break;
        }
        if (text !== undefined && preset.content.pattern.test(text)) hits.push(`${path} (${preset.content.what})`);
      }
    }
    if (hits.length > 0) out.push(result(id, 'content', 'failed', `found ${listed(hits)}`));
    else if (exhausted) out.push(result(id, 'content', 'not-run', `read budget of ${MAX_TOTAL_READ_BYTES} bytes spent before every file was checked`));
    else out.push(result(id, 'content', 'passed'));
  }
  if (spec.mustExist) {
    const missing = mustExist.filter((m) => !m.found).map((m) => m.glob.source);
    out.push(result('content.mustExist', 'content', missing.length === 0 ? 'passed' : 'failed', missing.length === 0 ? undefined : `nothing matches ${listed(missing)}`));
  }
  if (spec.mustNotExist) {
    out.push(result('content.mustNotExist', 'content', mustNotExist.length === 0 ? 'passed' : 'failed', mustNotExist.length === 0 ? undefined : `found ${listed(mustNotExist)}`));
  }
  for (const state of files) {
    const id = `content.file.${state.spec.id}`;
    if (state.matched === 0) {
      out.push(result(id, 'content', 'failed', `nothing matches ${state.spec.path.source}`));
      continue;
    }
    const problems = [...state.problems];
    let exhausted = state.overflow;
    for (const path of state.toRead) {
      const text = await read(path, readBytes);
      if (text === null) {
        exhausted = true;
        break;
      }
      if (text === undefined) continue;
      const absent = (state.spec.contains ?? []).filter((p) => !p.test(text));
      const present = (state.spec.notContains ?? []).filter((p) => p.test(text));
      if (absent.length > 0) problems.push(`${path} does not match /${absent[0]!.source}/`);
      if (present.length > 0) problems.push(`${path} matches /${present[0]!.source}/`);
    }
    if (problems.length > 0) out.push(result(id, 'content', 'failed', listed(problems, 3)));
    else if (exhausted) out.push(result(id, 'content', 'not-run', `more files match ${state.spec.path.source} than can be read (${MAX_PATHS_PER_CHECK} files, ${MAX_TOTAL_READ_BYTES} bytes)`));
    else out.push(result(id, 'content', 'passed'));
  }
  return out;
}
