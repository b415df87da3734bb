import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isMap, listOf } from '../kube-object.js';
import { ManifestError } from '../manifest.error.js';

/** File names kustomize accepts for a kustomization, in its order of preference. */
export const KUSTOMIZATION_FILES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Path of the kustomization file in directory `dir` of `files` (`''` is the root), if any. */
export function kustomizationIn(files: ReadonlyMap<string, string>, dir = ''): string | undefined {
  const prefix = dir === '' || dir === '.' ? '' : `${dir.replace(/\/+$/, '')}/`;
  return KUSTOMIZATION_FILES.map((name) => prefix + name).find((path) => files.has(path));
}

/** Fields whose entries kustomize loads as files, directories or (if it cannot find them) remote targets. */
const LOADED_FIELDS = ['resources', 'bases', 'components', 'generators', 'transformers', 'validators'] as const;

/**
 * Refuses, before kustomize runs, every kustomization in `files` that would reach outside `files`:
 * a URL or remote git reference (kustomize would clone or download it), a path out of the tree,
 * a path that is not in the tree (kustomize would try it as a remote), or a Helm chart repository.
 */
export function assertLocalKustomizations(files: ReadonlyMap<string, string>): void {
  const dirs = new Set<string>();
  for (const path of files.keys()) {
    for (let dir = posix.dirname(path); dir !== '.'; dir = posix.dirname(dir)) dirs.add(dir);
  }
  for (const [path, text] of files) {
    if (!KUSTOMIZATION_FILES.includes(posix.basename(path))) continue;
    const dir = posix.dirname(path);
    let doc: unknown;
    try {
      doc = parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
    } catch (error) {
      throw new ManifestError('KUSTOMIZE_INVALID', `${path} is not valid YAML`, error);
    }
    if (doc === null || doc === undefined) continue;
    if (!isMap(doc)) throw new ManifestError('KUSTOMIZE_INVALID', `${path} is not a mapping`);

    for (const field of LOADED_FIELDS) {
      listOf(doc[field]).forEach((entry, i) => {
        // inline generator / transformer configs are YAML text, not references
        if (typeof entry !== 'string' || entry.includes('\n')) return;
        const where = `${path}: ${field}[${i}]`;
        if (looksRemote(entry)) {
          throw new ManifestError('KUSTOMIZE_REMOTE_REFERENCE', `${where} references a remote target (${entry}); only paths inside the manifests path are allowed`);
        }
        const target = posix.normalize(posix.join(dir, entry));
        if (target === '..' || target.startsWith('../') || posix.isAbsolute(entry)) {
          throw new ManifestError('KUSTOMIZE_INVALID', `${where} points outside the manifests path (${entry})`);
        }
        if (!files.has(target) && !dirs.has(target) && target !== '.') {
          throw new ManifestError('KUSTOMIZE_INVALID', `${where} (${entry}) is not in the manifests path`);
        }
      });
    }
    for (const field of ['helmCharts', 'helmChartInflationGenerator'] as const) {
      listOf(doc[field]).forEach((chart, i) => {
        const repo = isMap(chart) ? (chart['repo'] ?? chart['chartRepoUrl']) : undefined;
        if (typeof repo === 'string' && repo !== '') {
          throw new ManifestError('KUSTOMIZE_REMOTE_REFERENCE', `${path}: ${field}[${i}] pulls a Helm chart from ${repo}; rendering never downloads`);
        }
      });
    }
  }
}

/** URLs of any scheme, scp-like git (`git@host:org/repo`), and kustomize's host-first git shorthands. */
function looksRemote(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^[\w.-]+@[\w.-]+:/.test(entry) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)[/:]/i.test(entry) ||
    entry.includes('?ref=') ||
    entry.includes('?version=') ||
    entry.includes('.git//')
  );
}
