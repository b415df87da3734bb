import { indexLayer, mergeLayers, type LayerContribution, type Sbom, type SbomPackage } from '@portcullis/sbom';
import type { Finding, PackageRef, SkipReason, VulnDb } from '@portcullis/vulndb';
import type { ImageSource } from './image-source.js';

/** A finding with the SBOM package it is about (purl, locations). */
export interface ImageFinding extends Finding {
  readonly sbomPackage: SbomPackage;
}

export interface ImageScanResult {
  readonly image: { readonly source: ImageSource['kind']; readonly reference: string; readonly digest: string; readonly platform: string };
  readonly sbom: Sbom;
  /** Absent when no vulnerability database was given: nothing was matched, which is not "clean". */
  readonly match?: {
    readonly dbVersion: string;
    readonly findings: readonly ImageFinding[];
    readonly skipped: readonly { readonly sbomPackage: SbomPackage; readonly reason: SkipReason }[];
  };
}

const mb = (bytes: number) => (bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

/** What the matcher needs of an SBOM package; OS packages carry the image's distro. */
function packageRefOf(pkg: SbomPackage, sbom: Sbom): PackageRef {
  const isOs = pkg.type === 'deb' || pkg.type === 'apk';
  return {
    type: pkg.type,
    name: pkg.name,
    version: pkg.version,
    ...(pkg.namespace !== undefined ? { namespace: pkg.namespace } : {}),
    ...(pkg.sourceName !== undefined ? { sourceName: pkg.sourceName } : {}),
    ...(pkg.sourceVersion !== undefined ? { sourceVersion: pkg.sourceVersion } : {}),
    ...(isOs && sbom.distro ? { distro: { id: sbom.distro.id, ...(sbom.distro.versionId !== undefined ? { versionId: sbom.distro.versionId } : {}) } } : {}),
  };
}

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 } as const;

/**
 * ScanImage: index the layers one at a time (bottom first, each verified by its source), merge
 * them into the SBOM, then match its packages against the database when there is one.
 */
export async function scanImage(source: ImageSource, db: VulnDb | undefined, progress?: (line: string) => void): Promise<ImageScanResult> {
  const contributions: LayerContribution[] = [];
  const total = source.layers.length;
  for (const [i, layer] of source.layers.entries()) {
    const short = layer.digest.slice(0, 19);
    progress?.(`layer ${i + 1}/${total} ${short}: fetching${layer.size !== undefined ? ` (${mb(layer.size)})` : ''}`);
    const tar = await layer.open();
    const contribution = await indexLayer(layer.digest, tar);
    progress?.(`layer ${i + 1}/${total} ${short}: indexed ${contribution.stats.entries} entries, ${mb(contribution.stats.bytes)}, ${contribution.files.length} catalogued files`);
    contributions.push(contribution);
  }
  const sbom = mergeLayers(contributions);
  const image = { source: source.kind, reference: source.reference, digest: source.digest, platform: source.platform };
  if (db === undefined) return { image, sbom };

  const bySbom = new Map<PackageRef, SbomPackage>();
  const refs = sbom.packages.map((pkg) => {
    const ref = packageRefOf(pkg, sbom);
    bySbom.set(ref, pkg);
    return ref;
  });
  const result = db.match(refs);
  // match() hands back the very PackageRef objects it was given
  const findings = result.findings
    .map((f) => ({ ...f, sbomPackage: bySbom.get(f.package)! }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        a.sbomPackage.name.localeCompare(b.sbomPackage.name) ||
        a.vulnerabilityId.localeCompare(b.vulnerabilityId),
    );
  const skipped = result.skipped.map((s) => ({ sbomPackage: bySbom.get(s.package)!, reason: s.reason }));
  return { image, sbom, match: { dbVersion: result.dbVersion, findings, skipped } };
}
