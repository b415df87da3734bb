import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { isCredentialLiteral } from './entry-judgement.js';
import type { ManifestNodes } from './manifest-nodes.js';
import type { ManifestReport } from './manifest-report.js';
import { MANIFEST_RULES } from './manifest-rules.js';

/**
 * Container `env` lists wherever they are: Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob
 * (`spec.jobTemplate.spec.template.spec`), but also Argo Rollouts, Knative, Tekton or a Helm
 * `values.yaml` that follows the Kubernetes shape (`- name: X` / `value: Y`). Every literal value
 * goes through the content rules; a credential-like name with a literal (not `valueFrom`, not a
 * placeholder, not a path or a boolean), or a URL with a password, is a finding of its own.
 */
export function analyseEnvLists(nodes: ManifestNodes, report: ManifestReport, root: Node): void {
  // Iterative on purpose: the walk follows aliases, so its depth is not bounded by the file's nesting.
  const stack: Node[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (isMap(node)) {
      for (const { key, value } of nodes.entries(node)) {
        if (!value) continue;
        if (key === 'env' && isSeq(value)) analyseEnvList(nodes, report, value);
        else stack.push(value);
      }
    } else if (isSeq(node)) {
      for (const item of nodes.items(node)) stack.push(item);
    }
  }
}

function analyseEnvList(nodes: ManifestNodes, report: ManifestReport, env: Node): void {
  for (const item of nodes.items(env)) {
    const name = nodes.text(nodes.get(item, 'name'));
    const valueNode = nodes.get(item, 'value');
    if (name === undefined || !isScalar(valueNode)) continue;
    const value = nodes.text(valueNode) ?? '';
    if (report.isPlaceholder(value, nodes, valueNode)) continue;
    const found = report.scanScalar(nodes, valueNode, value);
    if (isCredentialLiteral(name, value, found)) {
      report.flag(MANIFEST_RULES.envLiteralSecret, nodes.line(valueNode), value, `env.${name}: `);
    }
  }
}
