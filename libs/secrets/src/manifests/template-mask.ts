/**
 * Helm (Go template) files are usually not valid YAML until rendered. Before parsing we blank the
 * template out without moving any character, so line numbers stay true:
 * - a line that holds only actions (`{{- if .Values.x }}`, `{{ include "x" . | nindent 4 }}`)
 *   becomes a comment;
 * - an inline expression (`name: {{ .Release.Name }}`) becomes a run of `x` of the same length, and
 *   its span is remembered so that any value overlapping it counts as templated, never as a leak.
 */
export interface MaskedText {
  readonly text: string;
  /** `[start, end)` offsets of inline template expressions, in ascending order. */
  readonly spans: readonly (readonly [number, number])[];
}

const WHOLE_LINE_ACTIONS = /^([ \t]*)\{\{(.*\}\}[ \t]*\r?)$/gm;
const INLINE_EXPRESSION = /\{\{[^\n]*?\}\}/g;

export function maskTemplates(text: string): MaskedText {
  if (!text.includes('{{')) return { text, spans: [] };
  const commented = text.replace(WHOLE_LINE_ACTIONS, (_line, indent: string, rest: string) => `${indent}#{${rest}`);
  const spans: [number, number][] = [];
  const masked = commented.replace(INLINE_EXPRESSION, (expression: string, offset: number) => {
    spans.push([offset, offset + expression.length]);
    return 'x'.repeat(expression.length);
  });
  return { text: masked, spans };
}

/** True when `[start, end)` overlaps a template expression. */
export function overlapsTemplate(spans: MaskedText['spans'], start: number, end: number): boolean {
  let low = 0;
  let high = spans.length;
  // First span that ends after `start`; it overlaps when it also begins before `end`.
  while (low < high) {
    const middle = (low + high) >>> 1;
    const span = spans[middle];
    if (span !== undefined && span[1] <= start) low = middle + 1;
    else high = middle;
  }
  const candidate = spans[low];
  return candidate !== undefined && candidate[0] < Math.max(end, start + 1);
}

/** A value written as a template expression (`{{ .Values.password }}`), in whole or in part. */
export function containsTemplateExpression(value: string): boolean {
  return /\{\{.*\}\}/s.test(value);
}
