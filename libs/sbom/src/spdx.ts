import { createHash } from 'node:crypto';
import type { DocumentOptions } from './cyclonedx.js';
import type { Sbom } from './model.js';

/**
 * SPDX 2.3 JSON: one package per SBOM package, its purl as a `PACKAGE-MANAGER` external reference,
 * all `DESCRIBED` by the document. Cheap next to CycloneDX, for consumers that only read SPDX.
 */
export function toSpdxJson(sbom: Sbom, options: DocumentOptions & { readonly documentNamespace?: string } = {}): string {
  const name = options.image?.name ?? 'container-image';
  // Stable for the same content, so re-scans of one image produce the same namespace.
  const contentId = createHash('sha256')
    .update(sbom.packages.map((p) => p.purl).join('\n'))
    .digest('hex')
    .slice(0, 32);
  const packages = sbom.packages.map((pkg, index) => ({
    SPDXID: `SPDXRef-Package-${pkg.type}-${index}`,
    name: pkg.namespace && pkg.type === 'maven' ? `${pkg.namespace}:${pkg.name}` : pkg.name,
    versionInfo: pkg.version,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseDeclared: 'NOASSERTION',
    ...(pkg.sourceName ? { sourceInfo: `built from ${pkg.sourceName}${pkg.sourceVersion ? ` ${pkg.sourceVersion}` : ''}` } : {}),
    externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl }],
  }));
  const document = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: options.documentNamespace ?? `https://portcullis.invalid/spdx/${encodeURIComponent(name)}-${contentId}`,
    creationInfo: {
      created: (options.timestamp ?? new Date(0)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      creators: ['Tool: portcullis-sbom'],
    },
    packages,
    relationships: packages.map((pkg) => ({
      spdxElementId: 'SPDXRef-DOCUMENT',
      relationshipType: 'DESCRIBES',
      relatedSpdxElement: pkg.SPDXID,
    })),
  };
  return JSON.stringify(document);
}
