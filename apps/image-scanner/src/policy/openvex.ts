import { createHash } from 'node:crypto';
import { type ImageReference, type ScanVulnerability } from '@portcullis/contracts';
import { type JudgedFinding } from './judge-scan.js';

/*
 * OpenVEX 0.2.0 (https://github.com/openvex/spec): the suppressions a scan applied, as statements a
 * consumer (Trivy `--vex`, Grype, a registry) can read. A suppression's reason is a human judgement,
 * so it becomes the `impact_statement`; the justification is the spec's catch-all for "we looked and
 * the vulnerable code cannot be reached" since a reason is free text.
 */

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexStatement {
  readonly vulnerability: { readonly name: string; readonly aliases?: readonly string[] };
  readonly timestamp: string;
  readonly products: readonly { readonly '@id': string; readonly subcomponents?: readonly { readonly '@id': string }[] }[];
  readonly status: VexStatus;
  readonly justification?: 'vulnerable_code_not_in_execute_path';
  readonly impact_statement?: string;
  readonly action_statement?: string;
  readonly status_notes?: string;
}

export interface VexDocument {
  readonly '@context': typeof OPENVEX_CONTEXT;
  readonly '@id': string;
  readonly author: string;
  readonly timestamp: string;
  readonly version: number;
  readonly tooling: string;
  readonly statements: readonly VexStatement[];
}

/**
 * The OpenVEX document of one scanned image: `not_affected` for each suppressed finding (reason,
 * owner and expiry in the statements), and `affected` (with the fix as action) for the open ones
 * unless `suppressedOnly`. The image is named by its OCI purl, pinned by digest.
 */
export function openVexOf(input: {
  image: ImageReference;
  findings: readonly JudgedFinding[];
  now: Date;
  author?: string;
  suppressedOnly?: boolean;
}): VexDocument {
  const timestamp = input.now.toISOString();
  const product = imagePurl(input.image);
  const statements = input.findings
    .filter((f) => !input.suppressedOnly || f.suppression)
    .map((f): VexStatement => {
      const base = {
        vulnerability: { name: f.vulnerability.id, ...(f.vulnerability.aliases.length > 0 ? { aliases: [...f.vulnerability.aliases] } : {}) },
        timestamp,
        products: [{ '@id': product, subcomponents: [{ '@id': packageId(f.vulnerability) }] }],
      };
      if (f.suppression) {
        const s = f.suppression;
        return {
          ...base,
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impact_statement: s.reason,
          status_notes: `suppressed in ${s.origin} by ${s.owner}${s.until ? ` until ${s.until}` : ''}`,
        };
      }
      return {
        ...base,
        status: 'affected',
        action_statement: f.vulnerability.fixedVersion ? `Update ${f.vulnerability.package.name} to ${f.vulnerability.fixedVersion} or later.` : 'No fixed version is known yet.',
      };
    });
  const digest = createHash('sha256')
    .update(JSON.stringify([product, statements.map((s) => [s.vulnerability.name, s.products[0]!.subcomponents![0]!['@id'], s.status])]))
    .digest('hex');
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': `https://portcullis.dev/vex/${digest}`,
    author: input.author ?? 'Portcullis image-scanner',
    timestamp,
    version: 1,
    tooling: 'portcullis/image-scanner',
    statements,
  };
}

/** `pkg:oci/<name>@<digest>?repository_url=<registry>/<repository>` (purl spec, OCI type). */
export function imagePurl(image: Pick<ImageReference, 'registry' | 'repository' | 'digest'>): string {
  const name = image.repository.split('/').pop()!.toLowerCase();
  return `pkg:oci/${name}@${encodeURIComponent(image.digest)}?repository_url=${encodeURIComponent(`${image.registry}/${image.repository}`)}`;
}

/** The affected package, as precise as the scan knows it (ecosystem, name, version). */
function packageId(v: ScanVulnerability): string {
  return `pkg:generic/${encodeURIComponent(v.package.name)}@${encodeURIComponent(v.package.version)}?ecosystem=${encodeURIComponent(v.package.ecosystem)}`;
}
