import type { Node } from 'yaml';
import type { Finding, ManifestScanContext } from '../model.js';
import type { LineSpan, ManifestNodes } from './manifest-nodes.js';
import type { ManifestRule } from './manifest-rules.js';
import { containsTemplateExpression } from './template-mask.js';

/** The preview is capped at 120 characters; keep room for the mask. */
const MAX_CONTEXT_LENGTH = 80;

/**
 * Collects the findings of one file. The same value can be reached twice (an alias, a duplicated
 * key, a `List` that repeats an item); a finding counts once per rule, line and fingerprint.
 */
export class ManifestReport {
  private readonly findings = new Map<string, Finding>();
  private readonly protectedSpans: LineSpan[] = [];

  constructor(readonly ctx: ManifestScanContext) {}

  /** Raises one of the analyser's own rules for `value` on `line`; `context` is shown before the mask. */
  flag(rule: ManifestRule, line: number, value: string, context: string): void {
    this.add(this.ctx.finding({ ...rule, line, value, context: boundedContext(context) }));
  }

  /** Runs the engine's content rules over a value that is known to sit on `line`. */
  scan(value: string, line: number): void {
    if (value.trim().length === 0) return;
    for (const finding of this.ctx.scanValue(value, line)) this.add(finding);
  }

  /**
   * Runs the content rules over a scalar from the file. A `|` block keeps its lines, so each line is
   * scanned where it stands; any other multi-line scalar is folded by YAML and is scanned whole.
   * Templated scalars are skipped: what is left after masking is not the value.
   */
  scanScalar(nodes: ManifestNodes, node: Node, value: string): void {
    if (nodes.isTemplated(node)) return;
    const first = nodes.line(node);
    if (!nodes.isLiteralBlock(node)) {
      this.scan(value, first);
      return;
    }
    value.split('\n').forEach((text, index) => this.scan(text, first + index));
  }

  /** Not a leak: empty, a placeholder, or a template expression (in the file or in the value). */
  isPlaceholder(value: string, nodes?: ManifestNodes, node?: Node): boolean {
    if (value.trim().length === 0) return true;
    if (nodes && node && nodes.isTemplated(node)) return true;
    return containsTemplateExpression(value) || this.ctx.isPlaceholder(value) || this.ctx.isPlaceholder(value.trim());
  }

  /** Lines of an object that holds its secrets encrypted or by reference (a SealedSecret, a SOPS file). */
  protect(span: LineSpan): void {
    this.protectedSpans.push(span);
  }

  protectedLines(): LineSpan[] {
    return [...this.protectedSpans].sort((a, b) => a.from - b.from);
  }

  list(): Finding[] {
    return [...this.findings.values()].sort((a, b) => a.line - b.line);
  }

  private add(finding: Finding): void {
    this.findings.set(`${finding.ruleId}\u0000${finding.line}\u0000${finding.fingerprint}`, finding);
  }
}

function boundedContext(context: string): string {
  if (context.length <= MAX_CONTEXT_LENGTH) return context;
  return `${context.slice(0, MAX_CONTEXT_LENGTH - 3)}…: `;
}
