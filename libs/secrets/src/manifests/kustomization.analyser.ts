import type { Node } from 'yaml';
import { isCredentialLiteral, isNonCredentialEntry } from './entry-judgement.js';
import type { ManifestNodes } from './manifest-nodes.js';
import type { ManifestReport } from './manifest-report.js';
import { MANIFEST_RULES } from './manifest-rules.js';

/** True for a kustomization (or component) that generates Secrets or ConfigMaps. */
export function isKustomization(nodes: ManifestNodes, root: Node, kind: string): boolean {
  if (kind !== '' && kind !== 'Kustomization' && kind !== 'Component') return false;
  return nodes.get(root, 'secretGenerator') !== undefined || nodes.get(root, 'configMapGenerator') !== undefined;
}

/**
 * `secretGenerator[].literals` (`KEY=value`) put the value itself in the repository: each one is a
 * finding, except the coordinates and settings that travel with a credential (`DB_USER=app`,
 * `LOG_LEVEL=info`; judged as a Secret's entries are). `files:` and `envs:` only name other files,
 * which the line rules scan where they are. `configMapGenerator` literals are judged by their key,
 * like a ConfigMap's `data`.
 */
export function analyseKustomization(nodes: ManifestNodes, report: ManifestReport, root: Node): void {
  for (const generator of nodes.items(nodes.get(root, 'secretGenerator'))) {
    const name = nodes.text(nodes.get(generator, 'name')) ?? '';
    for (const literal of literals(nodes, report, generator)) {
      if (isNonCredentialEntry(literal.key, literal.value)) continue;
      report.flag(MANIFEST_RULES.kustomizeSecretLiteral, literal.line, literal.value, `secretGenerator ${name}: ${literal.key}=`);
    }
  }
  for (const generator of nodes.items(nodes.get(root, 'configMapGenerator'))) {
    const name = nodes.text(nodes.get(generator, 'name')) ?? '';
    for (const literal of literals(nodes, report, generator)) {
      if (!isCredentialLiteral(literal.key, literal.value, literal.foundByContentRules)) continue;
      report.flag(MANIFEST_RULES.kustomizeConfigMapCredential, literal.line, literal.value, `configMapGenerator ${name}: ${literal.key}=`);
    }
  }
}

interface Literal {
  readonly key: string;
  readonly value: string;
  readonly line: number;
  readonly foundByContentRules: boolean;
}

/** The non-placeholder literals of one generator, each already run through the content rules. */
function literals(nodes: ManifestNodes, report: ManifestReport, generator: Node): Literal[] {
  const found: Literal[] = [];
  for (const node of nodes.items(nodes.get(generator, 'literals'))) {
    const text = nodes.text(node);
    const separator = text?.indexOf('=') ?? -1;
    if (text === undefined || separator <= 0) continue;
    const key = text.slice(0, separator).trim();
    const value = unquote(text.slice(separator + 1));
    if (report.isPlaceholder(value, nodes, node)) continue;
    const line = nodes.line(node);
    const foundByContentRules = report.scan(value, line);
    found.push({ key, value, line, foundByContentRules });
  }
  return found;
}

/** kustomize drops one pair of surrounding quotes: `password="a b"` is `a b`. */
function unquote(value: string): string {
  const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0];
  return quoted ? value.slice(1, -1) : value;
}
