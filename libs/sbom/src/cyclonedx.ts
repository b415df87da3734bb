import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Sbom, SbomPackage } from './model.js';

export interface SbomImageRef {
  /** Image reference as scanned, e.g. `registry.example.com/team/app:1.4.2`. */
  readonly name: string;
  /** Manifest digest (`sha256:…`), reported as the component version. */
  readonly digest?: string;
}

export interface DocumentOptions {
  readonly image?: SbomImageRef;
  /** Stamped as `metadata.timestamp` / SPDX `created`; pass the scan clock's time. */
  readonly timestamp?: Date;
}

/** Property names on components; `portcullis:` is our namespace in the CycloneDX property taxonomy sense. */
export const CDX_PROPERTY = {
  type: 'portcullis:package:type',
  sourceName: 'portcullis:package:source-name',
  sourceVersion: 'portcullis:package:source-version',
  location: 'portcullis:location',
  distro: 'portcullis:distro',
} as const;

/** CycloneDX 1.6 JSON of an SBOM, built with the official library's model and serializer. */
export function toCycloneDxJson(sbom: Sbom, options: DocumentOptions = {}): string {
  const bom = new Models.Bom();
  if (options.timestamp) bom.metadata.timestamp = options.timestamp;
  if (options.image) {
    bom.metadata.component = new Models.Component(Enums.ComponentType.Container, options.image.name, {
      ...(options.image.digest ? { version: options.image.digest } : {}),
    });
  }
  if (sbom.distro) {
    const os = new Models.Component(Enums.ComponentType.OperatingSystem, sbom.distro.id, {
      bomRef: `os:${sbom.distro.id}`,
      ...(sbom.distro.versionId ? { version: sbom.distro.versionId } : {}),
    });
    bom.components.add(os);
    bom.metadata.properties.add(new Models.Property(CDX_PROPERTY.distro, sbom.distro.prettyName ?? sbom.distro.id));
  }
  for (const pkg of sbom.packages) bom.components.add(componentOf(pkg));
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true });
}

function componentOf(pkg: SbomPackage): Models.Component {
  const component = new Models.Component(Enums.ComponentType.Library, pkg.name, {
    bomRef: pkg.purl,
    purl: pkg.purl,
    version: pkg.version,
    ...(pkg.namespace ? { group: pkg.namespace } : {}),
  });
  if (pkg.license) component.licenses.add(new Models.NamedLicense(pkg.license));
  component.properties.add(new Models.Property(CDX_PROPERTY.type, pkg.type));
  if (pkg.sourceName) component.properties.add(new Models.Property(CDX_PROPERTY.sourceName, pkg.sourceName));
  if (pkg.sourceVersion) component.properties.add(new Models.Property(CDX_PROPERTY.sourceVersion, pkg.sourceVersion));
  for (const location of pkg.locations) {
    component.properties.add(new Models.Property(CDX_PROPERTY.location, `${location.layerDigest}:/${location.path}`));
  }
  return component;
}
