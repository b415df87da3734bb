import { isMap, isSeq, type Node } from 'yaml';
import type { FileScanResult, ManifestScanContext } from '../model.js';
import { analyseConfigMap } from './config-map.analyser.js';
import { analyseEnvLists } from './env-literal.analyser.js';
import { analyseKustomization, isKustomization } from './kustomization.analyser.js';
import { ComplexityBudget, DEFAULT_MANIFEST_LIMITS, type ManifestLimits } from './manifest-limits.js';
import { type LineSpan, ManifestNodes } from './manifest-nodes.js';
import { ManifestReport } from './manifest-report.js';
import { analyseSecret } from './secret.analyser.js';
import { manifestDocuments } from './yaml-documents.js';

/**
 * Kinds that carry secrets safely: encrypted (`SealedSecret`, bitnami.com) or by reference to a
 * secret manager (external-secrets.io, Secrets Store CSI, Vault Secrets Operator, 1Password,
 * Infisical). Their specs are not looked at; flagging them is what peers get wrong (gitleaks#1728).
 */
const NOT_LEAKS = new Set([
  'SealedSecret',
  'ExternalSecret', 'ClusterExternalSecret', 'PushSecret', 'SecretStore', 'ClusterSecretStore',
  'SecretProviderClass',
  'VaultStaticSecret', 'VaultDynamicSecret', 'VaultPKISecret',
  'OnePasswordItem', 'InfisicalSecret',
]);

/** `kind: List` (and `SecretList`, … as `kubectl get -o yaml` writes them) nests objects under `items`. */
const MAX_LIST_NESTING = 4;

/**
 * What `analyseManifest` returns: a `FileScanResult`, plus the lines of objects that keep their
 * secrets encrypted or by reference. The engine's line rules flag a SealedSecret's `encryptedData`
 * or a SOPS `mac` as high-entropy text (gitleaks#1728); it should drop content findings on these lines.
 */
export interface ManifestScanResult extends FileScanResult {
  readonly protectedLines: readonly LineSpan[];
}

/** Cheap test before parsing: a file without any of these keys cannot hold what we look for. */
const MANIFEST_HINT = /(?:^|[\s{,"'])(?:kind|env|secretGenerator|configMapGenerator)["']?\s*:/m;

/**
 * Finds what a Kubernetes manifest file exposes: plain Secrets, literal credentials in workload
 * `env`, credential keys in ConfigMaps, kustomize `secretGenerator` literals. Multi-document YAML
 * and JSON alike, whatever the key order. Invalid documents are ignored (the engine's line rules
 * still read the text); a file beyond `limits` yields the findings made so far and a
 * `MANIFEST_TOO_COMPLEX` skip. Never throws.
 */
export function analyseManifest(text: string, ctx: ManifestScanContext, limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS): ManifestScanResult {
  if (!MANIFEST_HINT.test(text)) return { findings: [], skips: [], protectedLines: [] };
  const report = new ManifestReport(ctx);
  const budget = new ComplexityBudget(limits);
  try {
    for (const { doc, lines, templateSpans, trustedEnd } of manifestDocuments(text, budget)) {
      const nodes = new ManifestNodes(doc, lines, templateSpans, budget, trustedEnd);
      const root = nodes.root;
      if (isSeq(root)) for (const item of nodes.items(root)) analyseObject(nodes, report, item, limits, 1);
      else if (root) analyseObject(nodes, report, root, limits, 0);
    }
    return { findings: report.list(), skips: [], protectedLines: report.protectedLines() };
  } catch {
    // A limit was crossed (or the stack gave out on something the limits missed). What was found
    // stands; the rest of the file is reported as not analysed rather than silently passed.
    return { findings: report.list(), skips: [{ path: ctx.path, reason: 'MANIFEST_TOO_COMPLEX' }], protectedLines: report.protectedLines() };
  }
}

function analyseObject(nodes: ManifestNodes, report: ManifestReport, object: Node, limits: ManifestLimits, nesting: number): void {
  if (!isMap(object)) return;
  const kind = nodes.text(nodes.get(object, 'kind')) ?? '';
  if (NOT_LEAKS.has(kind) || isSopsEncryptedDocument(nodes, object)) {
    report.protect(nodes.lineSpan(object));
    return;
  }
  const nested = kind.endsWith('List') ? nodes.get(object, 'items') : kind === 'Template' ? nodes.get(object, 'objects') : undefined;
  if (isSeq(nested)) {
    if (nesting < MAX_LIST_NESTING) for (const item of nodes.items(nested)) analyseObject(nodes, report, item, limits, nesting + 1);
    return;
  }
  const apiVersion = nodes.text(nodes.get(object, 'apiVersion'));
  // kustomize patches may leave `apiVersion` out; a CRD of another group that happens to be named `Secret` is not one.
  const core = apiVersion === undefined || apiVersion === 'v1';
  if (kind === 'Secret' && core) analyseSecret(nodes, report, object, limits);
  else if (kind === 'ConfigMap' && core) analyseConfigMap(nodes, report, object, limits);
  else if (isKustomization(nodes, object, kind)) analyseKustomization(nodes, report, object);
  analyseEnvLists(nodes, report, object);
}

/** SOPS writes its metadata (`mac`, `lastmodified`, key groups) under a top-level `sops` key. */
function isSopsEncryptedDocument(nodes: ManifestNodes, object: Node): boolean {
  const sops = nodes.get(object, 'sops');
  return nodes.get(sops, 'mac') !== undefined || nodes.get(sops, 'lastmodified') !== undefined;
}
