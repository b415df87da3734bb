import { isScalar, type Node } from 'yaml';
import { decodeBase64Value } from './base64-value.js';
import { isCredentialLiteral } from './entry-judgement.js';
import type { ManifestLimits } from './manifest-limits.js';
import type { ManifestNodes } from './manifest-nodes.js';
import type { ManifestReport } from './manifest-report.js';
import { MANIFEST_RULES } from './manifest-rules.js';

/**
 * A core `v1/ConfigMap`: every value goes through the content rules (an embedded
 * `application.properties` line by line); a credential-like key with a literal value, or a URL with
 * a password under any key, is a finding of its own, because ConfigMaps are readable by anyone who
 * can read the namespace.
 */
export function analyseConfigMap(nodes: ManifestNodes, report: ManifestReport, configMap: Node, limits: ManifestLimits): void {
  for (const { key, value } of nodes.entries(nodes.get(configMap, 'data'))) {
    if (!isScalar(value)) continue;
    const raw = nodes.text(value) ?? '';
    if (report.isPlaceholder(raw, nodes, value)) continue;
    const found = report.scanScalar(nodes, value, raw);
    if (isCredentialLiteral(key, raw, found)) {
      report.flag(MANIFEST_RULES.configMapCredential, nodes.line(value), raw, `data.${key}: `);
    }
  }
  for (const { value } of nodes.entries(nodes.get(configMap, 'binaryData'))) {
    if (!isScalar(value) || nodes.isTemplated(value)) continue;
    const decoded = decodeBase64Value(nodes.text(value) ?? '', limits.maxDecodedLength);
    if (decoded.kind === 'text') report.scan(decoded.text, nodes.line(value));
  }
}
