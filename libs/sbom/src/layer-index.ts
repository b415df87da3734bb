import type { Readable } from 'node:stream';
import { parseApkInstalled } from './catalogers/apk.js';
import { parseDpkgStatus } from './catalogers/dpkg.js';
import { GoBuildInfoScanner, goPackagesOf } from './catalogers/go-buildinfo.js';
import { JAVA_ARCHIVE, readJavaArchive } from './catalogers/java.js';
import { parseInstalledPackageJson, parseNpmLockfile } from './catalogers/npm.js';
import { parseOsRelease } from './catalogers/os-release.js';
import { parsePythonMetadata } from './catalogers/python.js';
import { SbomError } from './errors.js';
import { resolveLimits, type LayerLimits } from './limits.js';
import {
  CONTRIBUTION_FORMAT,
  type FileRecord,
  type LayerContribution,
  type LayerWarning,
  type PackageRecord,
} from './model.js';
import { drainEntry as drain, readEntry as readAll, type TarEntry, walkTarEntries } from './layer-walk.js';
import { basename, dirname, normaliseEntryName, symlinkEscapes } from './paths.js';

type Entry = TarEntry;

export interface IndexLayerOptions {
  readonly limits?: Partial<LayerLimits>;
  /**
   * What a `..` or absolute entry name, or a symlink climbing out of the root, does: `fail` (the
   * default) rejects the layer with `UNSAFE_ENTRY` — no legitimate image builder writes one — and
   * `warn` skips the entry and records a warning.
   */
  readonly onUnsafeEntry?: 'fail' | 'warn';
}

type TextKind = 'dpkg-status' | 'dpkg-status-d' | 'apk' | 'os-release' | 'npm-installed' | 'npm-lock' | 'python';
type Kind = TextKind | 'java' | 'executable';

const NPM_INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;
const PYTHON_METADATA = /(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|\.egg-info)$/;
/** Go binaries are megabytes; anything this small is a script or a stub. */
const MIN_EXECUTABLE_BYTES = 4096;

/** Which cataloguer wants the file at `path`, if any. */
export function classify(path: string, mode: number, size: number): Kind | undefined {
  switch (path) {
    case 'var/lib/dpkg/status':
      return 'dpkg-status';
    case 'lib/apk/db/installed':
    case 'usr/lib/apk/db/installed':
      return 'apk';
    case 'etc/os-release':
    case 'usr/lib/os-release':
      return 'os-release';
  }
  const base = basename(path);
  if (dirname(path) === 'var/lib/dpkg/status.d') return base.endsWith('.md5sums') ? undefined : 'dpkg-status-d';
  if (NPM_INSTALLED.test(path)) return 'npm-installed';
  if ((base === 'package-lock.json' || base === 'npm-shrinkwrap.json') && !path.includes('node_modules/')) return 'npm-lock';
  if (PYTHON_METADATA.test(path)) return 'python';
  if (JAVA_ARCHIVE.test(base)) return 'java';
  if ((mode & 0o111) !== 0 && size >= MIN_EXECUTABLE_BYTES) return 'executable';
  return undefined;
}

/**
 * Reads one (uncompressed) layer tar as a stream and returns what it contributes: the parsed
 * metadata files, Go build info and Java coordinates it holds, its whiteouts and the paths it
 * shadows. Only files a cataloguer needs are buffered, each under a cap; nothing is written
 * anywhere. Throws `SbomError` for a truncated, oversized or unsafe layer; an error raised by
 * `tar` itself (the caller's download) is re-thrown as it is.
 */
export async function indexLayer(digest: string, tarStream: Readable, options: IndexLayerOptions = {}): Promise<LayerContribution> {
  if (!digest) throw new SbomError('INVALID_INPUT', 'layer digest is empty');
  const limits = resolveLimits(options.limits);
  const onUnsafe = options.onUnsafeEntry ?? 'fail';
  const state = new IndexState(limits);
  const bytes = await walkTarEntries(digest, tarStream, limits.maxLayerBytes, (entry) => state.onEntry(entry, onUnsafe));
  return state.finish(digest, bytes);
}

class IndexState {
  private readonly records = new Map<string, FileRecord>();
  private readonly shadowed = new Set<string>();
  private readonly whiteouts = new Set<string>();
  private readonly opaqueDirs = new Set<string>();
  private readonly warnings: LayerWarning[] = [];
  private suppressedWarnings = 0;
  private entries = 0;
  private keptBytes = 0;

  constructor(private readonly limits: LayerLimits) {}

  async onEntry(entry: Entry, onUnsafe: 'fail' | 'warn'): Promise<void> {
    const header = entry.header;
    if (++this.entries > this.limits.maxEntries) {
      throw new SbomError('LAYER_TOO_LARGE', `layer has more than ${this.limits.maxEntries} entries`);
    }
    const name = normaliseEntryName(header.name);
    if (!name.ok) return this.unsafe(entry, header.name, `entry name: ${name.reason}`, onUnsafe);
    const path = name.path;
    if (path === '') return drain(entry);
    if (path.length > this.limits.maxPathLength) {
      this.warn({ code: 'PATH_TOO_LONG', path: path.slice(0, 200), message: `path longer than ${this.limits.maxPathLength}` });
      return drain(entry);
    }

    const base = basename(path);
    if (base.startsWith('.wh.')) {
      const dir = dirname(path);
      if (base === '.wh..wh..opq') this.opaqueDirs.add(dir);
      else this.whiteouts.add(dir ? `${dir}/${base.slice(4)}` : base.slice(4));
      return drain(entry);
    }

    switch (header.type) {
      case 'directory':
        return drain(entry);
      case 'symlink':
        if (symlinkEscapes(path, header.linkname ?? '')) {
          return this.unsafe(entry, path, 'symlink target escapes the root', onUnsafe);
        }
        this.shadow(path);
        return drain(entry);
      case 'link': {
        const target = normaliseEntryName(header.linkname ?? '');
        if (!target.ok || target.path === '') {
          return this.unsafe(entry, path, `hard link target: ${target.ok ? 'the root' : target.reason}`, onUnsafe);
        }
        // A hard link names an earlier entry of this same archive; it gets that file's content.
        const record = this.records.get(target.path);
        if (record) this.keep({ ...record, path });
        else this.shadow(path);
        return drain(entry);
      }
      case 'file':
      case 'contiguous-file':
        return this.onFile(entry, path);
      default:
        this.shadow(path);
        return drain(entry);
    }
  }

  private async onFile(entry: Entry, path: string): Promise<void> {
    const size = entry.header.size ?? 0;
    const kind = classify(path, entry.header.mode ?? 0, size);
    if (!kind) return drain(entry);
    if (kind === 'executable') return this.onExecutable(entry, path);

    const cap = kind === 'java' ? this.limits.maxArchiveBytes : this.limits.maxTextFileBytes;
    if (size > cap) {
      this.warn({ code: 'FILE_TOO_LARGE', path, message: `${size} bytes is over the ${cap}-byte cap; not read` });
      this.shadow(path);
      return drain(entry);
    }
    if (this.keptBytes + size > this.limits.maxKeptBytesPerLayer) {
      this.warn({ code: 'LAYER_KEEP_BUDGET', path, message: `layer already buffered ${this.keptBytes} bytes; not read` });
      this.shadow(path);
      return drain(entry);
    }
    this.keptBytes += size;
    const bytes = await readAll(entry, size);

    try {
      if (kind === 'java') {
        const result = await readJavaArchive(bytes, this.limits);
        for (const problem of result.problems) this.warn({ code: 'ARCHIVE_LIMIT', path, message: problem });
        this.keep({ path, packages: result.packages });
        return;
      }
      this.keep(parseText(kind, path, bytes.toString('utf8')));
    } catch (error) {
      this.warn({ code: 'UNPARSABLE', path, message: error instanceof Error ? error.message.slice(0, 200) : 'unparsable' });
      this.shadow(path);
    }
  }

  private async onExecutable(entry: Entry, path: string): Promise<void> {
    const scanner = new GoBuildInfoScanner(this.limits.maxExecutableScanBytes);
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      if (!scanner.done) scanner.push(chunk);
    }
    const result = scanner.result();
    if (result?.kind === 'found') {
      this.keep({ path, packages: goPackagesOf(result.goVersion, result.modInfo) });
    } else {
      if (result?.kind === 'unsupported') this.warn({ code: 'GO_BUILDINFO_UNSUPPORTED', path, message: result.reason });
      this.shadow(path);
    }
  }

  private async unsafe(entry: Entry, path: string, reason: string, onUnsafe: 'fail' | 'warn'): Promise<void> {
    // The name is attacker-chosen: bound it before it reaches a message.
    const shown = JSON.stringify(path.slice(0, 200));
    if (onUnsafe === 'fail') throw new SbomError('UNSAFE_ENTRY', `unsafe tar entry ${shown}: ${reason}`);
    this.warn({ code: 'UNSAFE_ENTRY', path: path.slice(0, 200), message: `${reason}; skipped` });
    await drain(entry);
  }

  private keep(record: FileRecord): void {
    this.shadowed.delete(record.path);
    this.records.set(record.path, record);
  }

  private shadow(path: string): void {
    this.records.delete(path);
    this.shadowed.add(path);
  }

  private warn(warning: LayerWarning): void {
    if (this.warnings.length < this.limits.maxWarnings) this.warnings.push(warning);
    else this.suppressedWarnings++;
  }

  finish(digest: string, bytes: number): LayerContribution {
    const warnings = [...this.warnings];
    if (this.suppressedWarnings > 0) {
      warnings.push({ code: 'UNPARSABLE', path: '', message: `${this.suppressedWarnings} more warnings not kept` });
    }
    return {
      format: CONTRIBUTION_FORMAT,
      digest,
      files: [...this.records.values()].filter((record) => record.packages.length > 0 || record.distro),
      whiteouts: [...this.whiteouts],
      opaqueDirs: [...this.opaqueDirs],
      // A record that parsed to nothing still hides what a lower layer had at its path.
      shadowed: [...this.shadowed, ...[...this.records.values()].filter((r) => r.packages.length === 0 && !r.distro).map((r) => r.path)],
      warnings,
      stats: { entries: this.entries, bytes },
    };
  }
}

function parseText(kind: TextKind, path: string, text: string): FileRecord {
  let packages: PackageRecord[] = [];
  switch (kind) {
    case 'os-release': {
      const distro = parseOsRelease(text);
      return distro ? { path, packages, distro } : { path, packages };
    }
    case 'dpkg-status':
      packages = parseDpkgStatus(text, { requireInstalled: true });
      break;
    case 'dpkg-status-d':
      packages = parseDpkgStatus(text, { requireInstalled: false });
      break;
    case 'apk':
      packages = parseApkInstalled(text);
      break;
    case 'npm-installed':
      packages = parseInstalledPackageJson(text);
      break;
    case 'npm-lock':
      packages = parseNpmLockfile(text);
      break;
    case 'python':
      packages = parsePythonMetadata(text);
      break;
  }
  return { path, packages };
}
