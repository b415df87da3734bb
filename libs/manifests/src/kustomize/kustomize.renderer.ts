import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ManifestError } from '../manifest.error.js';
import { assertLocalKustomizations, kustomizationIn } from './kustomization-references.js';

/** The version `tools/kustomize/build.sh` builds; the default binary path depends on it. */
export const KUSTOMIZE_VERSION = 'v5.8.2';

/**
 * Where `tools/kustomize/build.sh` puts the binary inside a build cache: `<repository>/.cache` by
 * default, or the folder `PORTCULLIS_CACHE_DIR` names for the build (the caller passes it; this
 * library reads no environment).
 */
export function defaultKustomizeBinary(cacheDir: string = join(process.cwd(), '.cache')): string {
  return join(cacheDir, `kustomize-${KUSTOMIZE_VERSION}`, 'bin', 'kustomize');
}

export interface KustomizeRendererOptions {
  /** Path of the `kustomize` binary. Default: `defaultKustomizeBinary()` (the build cache of this checkout). */
  binary?: string;
  /** Kill `kustomize build` after this long. Default 30 s. */
  timeoutMs?: number;
  /** Kill it when its output exceeds this many bytes. Default 8 MiB. */
  maxOutputBytes?: number;
  /** Parent directory of the private work directories. Default: the OS temp directory. */
  workDir?: string;
}

export interface RenderOptions {
  /**
   * Directory of `files` holding the kustomization to build (`overlays/prod`), so that an overlay
   * can use bases elsewhere in the tree. Default: the root of `files`.
   */
  entry?: string;
}

/** A port nothing listens on: any HTTP(S) request kustomize tried would fail at once. */
const CLOSED_PROXY = 'http://127.0.0.1:9';
const MAX_STDERR = 8 * 1024;

/**
 * Renders a kustomization with a real `kustomize build`, offline: every kustomization is checked
 * for remote references first (refused without running), the files are written to a private temp
 * directory that is always deleted, and the process runs with no `PATH` (so no git or helm) and a
 * proxy on a closed port, under a timeout and an output bound.
 */
export class KustomizeRenderer {
  private readonly binary: string;
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly workDir: string;

  constructor(options: KustomizeRendererOptions = {}) {
    this.binary = options.binary ?? defaultKustomizeBinary();
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxOutputBytes = options.maxOutputBytes ?? 8 * 1024 * 1024;
    this.workDir = options.workDir ?? tmpdir();
  }

  /** True when directory `entry` of `files` holds a kustomization (so `render` applies, not plain YAML). */
  static isKustomization(files: ReadonlyMap<string, string>, entry = ''): boolean {
    return kustomizationIn(files, safeRelative(entry, 'entry')) !== undefined;
  }

  /** The rendered multi-document YAML, for `parseManifests`. */
  async render(files: ReadonlyMap<string, string>, options: RenderOptions = {}): Promise<string> {
    const entry = safeRelative(options.entry ?? '', 'entry');
    const tree = new Map<string, string>();
    for (const [path, text] of files) {
      const normalised = safeRelative(path, 'file path');
      if (normalised === '') throw new ManifestError('INVALID_INPUT', 'file path must not be empty');
      tree.set(normalised, text);
    }
    if (!kustomizationIn(tree, entry)) {
      throw new ManifestError('KUSTOMIZE_INVALID', `no kustomization.yaml, kustomization.yml or Kustomization in ${entry || 'the manifests path'}`);
    }
    assertLocalKustomizations(tree);

    let root: string;
    try {
      root = await mkdtemp(join(this.workDir, 'portcullis-kustomize-'));
    } catch (error) {
      throw new ManifestError('KUSTOMIZE_FAILED', 'cannot create a work directory for kustomize', error);
    }
    try {
      const dir = join(root, 'tree');
      await this.writeTree(dir, tree);
      return await this.run(root, entry === '' ? dir : join(dir, entry));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  private async writeTree(tree: string, files: ReadonlyMap<string, string>): Promise<void> {
    try {
      await mkdir(tree, { mode: 0o700 });
      for (const [path, text] of files) {
        const target = join(tree, path);
        await mkdir(posix.dirname(target), { recursive: true, mode: 0o700 });
        await writeFile(target, text, { flag: 'wx', mode: 0o600 });
      }
    } catch (error) {
      throw new ManifestError('KUSTOMIZE_FAILED', 'cannot write the manifests for kustomize', error);
    }
  }

  private run(root: string, dir: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, ['build', dir, '--load-restrictor', 'LoadRestrictionsRootOnly'], {
        cwd: root,
        env: {
          HOME: root,
          XDG_CONFIG_HOME: root,
          PATH: '/nonexistent',
          KUSTOMIZE_PLUGIN_HOME: join(root, 'no-plugins'),
          HTTP_PROXY: CLOSED_PROXY,
          HTTPS_PROXY: CLOSED_PROXY,
          http_proxy: CLOSED_PROXY,
          https_proxy: CLOSED_PROXY,
          NO_PROXY: '',
          no_proxy: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let failure: ManifestError | undefined;
      const kill = (): void => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      };
      const timer = setTimeout(() => {
        failure ??= new ManifestError('KUSTOMIZE_TIMEOUT', `kustomize build did not finish within ${this.timeoutMs} ms`);
        kill();
      }, this.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > this.maxOutputBytes) {
          failure ??= new ManifestError('KUSTOMIZE_OUTPUT_TOO_LARGE', `kustomize build wrote more than ${this.maxOutputBytes} bytes`);
          kill();
        } else {
          chunks.push(chunk);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const code = error.code === 'ENOENT' || error.code === 'EACCES' ? 'KUSTOMIZE_UNAVAILABLE' : 'KUSTOMIZE_FAILED';
        reject(new ManifestError(code, `cannot run kustomize at ${this.binary} (${error.code ?? 'error'}); build it with tools/kustomize/build.sh`, error));
      });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        if (failure) return reject(failure);
        if (exitCode === 0) return resolve(Buffer.concat(chunks).toString('utf8'));
        if (signal) return reject(new ManifestError('KUSTOMIZE_FAILED', `kustomize build was killed by ${signal}`));
        reject(new ManifestError('KUSTOMIZE_INVALID', `kustomize build failed: ${describeStderr(stderr, root)}`));
      });
    });
  }
}

/** Kustomize's error, one bounded line, with our temp directory shown as the manifests path. */
function describeStderr(stderr: string, root: string): string {
  const text = stderr.split(`${join(root, 'tree')}/`).join('').split(join(root, 'tree')).join('.').replace(/\s+/g, ' ').trim();
  return (text || 'no message').slice(0, 500);
}

/** Normalised relative path, or INVALID_INPUT for an absolute path, `..`, NUL or backslash. */
function safeRelative(path: string, what: string): string {
  if (path.includes('\0') || path.includes('\\') || posix.isAbsolute(path)) {
    throw new ManifestError('INVALID_INPUT', `${what} must be a relative path`);
  }
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ManifestError('INVALID_INPUT', `${what} must not contain ".."`);
  return parts.join('/');
}
