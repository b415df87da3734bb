import { SbomError } from './errors.js';
import { CONTRIBUTION_FORMAT, type Distro, type FileRecord, type LayerContribution, type PackageLocation, type Sbom, type SbomPackage } from './model.js';
import { isAtOrBelow } from './paths.js';
import { purlOf } from './purl.js';

/** Preferred first: `etc/os-release` is what tools read; `usr/lib/os-release` is its fallback. */
const OS_RELEASE = ['etc/os-release', 'usr/lib/os-release'];

/**
 * Stacks layer contributions, bottom first, with OCI whiteout semantics: in each layer, opaque
 * directories hide everything lower layers put below them, `.wh.<name>` deletes `<name>` and all
 * below it, and a shadowed path hides the lower record at that path; then the layer's own records
 * land. The packages of the files still visible at the end make the SBOM; the same package found
 * in several files (a lockfile and `node_modules`) is one package with several locations.
 */
export function mergeLayers(contributions: readonly LayerContribution[]): Sbom {
  const view = new Map<string, { record: FileRecord; layerDigest: string }>();
  for (const layer of contributions) {
    if (layer.format !== CONTRIBUTION_FORMAT) {
      throw new SbomError('INVALID_INPUT', `layer ${layer.digest}: contribution format ${String(layer.format)} is not ${CONTRIBUTION_FORMAT}`);
    }
    const hidden = [...layer.opaqueDirs, ...layer.whiteouts];
    if (hidden.length > 0) {
      for (const path of view.keys()) {
        // An opaque dir hides its children, not itself; a whiteout hides the path too — both
        // reduce to "at or below" because a record is always a file, never the directory.
        if (hidden.some((prefix) => isAtOrBelow(path, prefix))) view.delete(path);
      }
    }
    for (const path of layer.shadowed) view.delete(path);
    for (const record of layer.files) view.set(record.path, { record, layerDigest: layer.digest });
  }

  let distro: Distro | undefined;
  for (const path of OS_RELEASE) {
    distro ??= view.get(path)?.record.distro;
  }

  const packages = new Map<string, { pkg: Omit<SbomPackage, 'locations'>; locations: PackageLocation[] }>();
  const paths = [...view.keys()].sort();
  for (const path of paths) {
    const { record, layerDigest } = view.get(path) as { record: FileRecord; layerDigest: string };
    for (const found of record.packages) {
      const purl = purlOf(found, distro);
      const location = { path: found.innerPath ? `${path}!/${found.innerPath}` : path, layerDigest };
      const known = packages.get(purl);
      if (known) known.locations.push(location);
      else packages.set(purl, { pkg: { ...found, purl }, locations: [location] });
    }
  }

  return {
    ...(distro ? { distro } : {}),
    packages: [...packages.values()]
      .map(({ pkg, locations }) => ({ ...pkg, locations }))
      .sort((a, b) => compare(a.type, b.type) || compare(a.name, b.name) || compare(a.version, b.version) || compare(a.purl, b.purl)),
    warnings: contributions.flatMap((layer) => layer.warnings.map((warning) => ({ ...warning, layerDigest: layer.digest }))),
    layers: contributions.map((layer) => layer.digest),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
