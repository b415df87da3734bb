import { type RepositoryRef } from '@portcullis/contracts';
import { judgeScan } from '../policy/judge-scan.js';
import { imagePurl, openVexOf, type VexDocument } from '../policy/openvex.js';
import { type PolicySource, type ResolvedImagePolicy } from '../policy/policy-source.js';
import { type ScanResultCache } from '../scan/scan-image.ports.js';

export interface ExportOpenVexCommand {
  readonly digest: string;
  readonly platform: string;
  /** With `commit`: judge under that repository's policy at that commit; without, the default. */
  readonly release?: { readonly repository: RepositoryRef; readonly commit: string };
  /** `registry/repository` of the image, for the product purl; unknown when only the digest is. */
  readonly image?: { readonly registry: string; readonly repository: string };
  readonly suppressedOnly: boolean;
}

export type ExportOpenVexOutcome =
  | { readonly status: 'found'; readonly document: VexDocument; readonly vulndbVersion: string; readonly policySource: ResolvedImagePolicy['source']; readonly policyInvalid: boolean }
  | { readonly status: 'not-scanned'; readonly vulndbVersion: string };

export interface ExportOpenVexDeps {
  readonly results: Pick<ScanResultCache, 'get'>;
  readonly policies: PolicySource;
  /** The platform default policy, for requests without a release. */
  readonly defaultPolicy: ResolvedImagePolicy;
  /** Only the version is read: a scan under another database is not served. */
  readonly vulndb: { current(): { readonly version: string } };
  readonly clock: () => Date;
}

/**
 * The OpenVEX document of a cached scan, judged now under the asked-for policy: the cache holds the
 * scan under the platform default (nothing suppressed), so suppressions are applied here, exactly
 * as `applyPolicy` does for `scan.completed`. Reads only; never scans.
 */
export class ExportOpenVex {
  constructor(private readonly deps: ExportOpenVexDeps) {}

  async execute(command: ExportOpenVexCommand): Promise<ExportOpenVexOutcome> {
    const vulndbVersion = this.deps.vulndb.current().version;
    const scan = await this.deps.results.get({ digest: command.digest, platform: command.platform, dbVersion: vulndbVersion });
    if (scan === undefined) return { status: 'not-scanned', vulndbVersion };
    const resolved = command.release ? await this.deps.policies.policyFor(command.release.repository, command.release.commit) : this.deps.defaultPolicy;
    const now = this.deps.clock();
    const judged = judgeScan(scan.vulnerabilities, resolved.policy, now, { invalid: resolved.invalid !== undefined });
    const document = command.image
      ? openVexOf({ image: { ...command.image, digest: command.digest }, findings: judged.findings, now, suppressedOnly: command.suppressedOnly })
      : withProduct(openVexOf({ image: { registry: 'unknown', repository: 'image', digest: command.digest }, findings: judged.findings, now, suppressedOnly: command.suppressedOnly }), command.digest);
    return { status: 'found', document, vulndbVersion, policySource: resolved.source, policyInvalid: resolved.invalid !== undefined };
  }
}

/**
 * Without a known name the product is `pkg:oci/image@<digest>` with no `repository_url`: the purl
 * spec makes the qualifier optional, and a made-up registry would name a place the image is not.
 */
function withProduct(document: VexDocument, digest: string): VexDocument {
  const placeholder = imagePurl({ registry: 'unknown', repository: 'image', digest });
  const product = `pkg:oci/image@${encodeURIComponent(digest)}`;
  return {
    ...document,
    statements: document.statements.map((s) => ({ ...s, products: s.products.map((p) => (p['@id'] === placeholder ? { ...p, '@id': product } : p)) })),
  };
}
