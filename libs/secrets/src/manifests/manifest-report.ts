import type { Node } from 'yaml';
import type { Finding, ManifestScanContext } from '../model.js';
import type { LineSpan, ManifestNodes } from './manifest-nodes.js';
import type { ManifestRule } from './manifest-rules.js';
import { urlPassword } from './entry-judgement.js';
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

  /** Runs the engine's content rules over a value that is known to sit on `line`; true when they found something. */
  scan(value: string, line: number): boolean {
    if (value.trim().length === 0) return false;
    const found = this.ctx.scanValue(value, line);
    for (const finding of found) this.add(finding);
    return found.length > 0;
  }

  /**
   * Runs the content rules over a scalar from the file. A `|` block keeps its lines, so each line is
   * scanned where it stands; any other multi-line scalar is folded by YAML and is scanned whole.
   * Templated scalars are skipped: what is left after masking is not the value. True when the
   * content rules found something.
   */
  scanScalar(nodes: ManifestNodes, node: Node, value: string): boolean {
    if (nodes.isTemplated(node)) return false;
    const first = nodes.line(node);
    if (!nodes.isLiteralBlock(node)) return this.scan(value, first);
    let found = false;
    value.split('\n').forEach((text, index) => {
      if (this.scan(text, first + index)) found = true;
    });
    return found;
  }

  /**
   * Not a leak: empty, a placeholder, or a template expression (in the file or in the value). A
   * structured value is judged by its secret part: a PEM block by its body (see `isFakePemBody`),
   * a URL with a password by the password (a placeholder word in a host name such as
   * `db.example.net` does not make the password fake).
   */
  isPlaceholder(value: string, nodes?: ManifestNodes, node?: Node): boolean {
    if (value.trim().length === 0) return true;
    if (nodes && node && nodes.isTemplated(node)) return true;
    if (containsTemplateExpression(value)) return true;
    const pem = pemBody(value);
    if (pem !== undefined) return isFakePemBody(pem);
    const secretPart = urlPassword(value) ?? value;
    return this.ctx.isPlaceholder(secretPart) || this.ctx.isPlaceholder(secretPart.trim());
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

const PEM_ARMOUR = /^-----(?:BEGIN|END) [A-Z0-9 ]{1,64}-----$/;
/** RFC 1421 headers of an encrypted PKCS#1 key (`Proc-Type: 4,ENCRYPTED`, `DEK-Info: …`). */
const PEM_HEADER = /^[A-Za-z][A-Za-z0-9-]{0,40}:/;

/** The base64 body of a value made of PEM blocks, joined; undefined when the value is not PEM. */
function pemBody(value: string): string | undefined {
  const lines = value.trim().split(/\r?\n/).map((line) => line.trim());
  if (lines.length < 2 || !PEM_ARMOUR.test(lines[0] ?? '')) return undefined;
  return lines.filter((line) => !PEM_ARMOUR.test(line) && !PEM_HEADER.test(line)).join('');
}

/**
 * A PEM body that cannot be a key: empty or short, not base64 (`...`, `<your key>`), or a run of
 * a few characters (`xxxx…`, `REDACTED`). Not the generic placeholder test: the armour is a row of
 * dashes, and an OpenSSH key body is full of `AAAAA` (zero bytes), which that test takes for filler.
 */
function isFakePemBody(body: string): boolean {
  return body.length < 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || new Set(body).size < 16;
}

function boundedContext(context: string): string {
  if (context.length <= MAX_CONTEXT_LENGTH) return context;
  return `${context.slice(0, MAX_CONTEXT_LENGTH - 3)}…: `;
}
