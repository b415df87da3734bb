import { Composer, type CST, type Document, Lexer, LineCounter, Parser } from 'yaml';
import { type ComplexityBudget, ManifestTooComplexError } from './manifest-limits.js';
import { type MaskedText, maskTemplates } from './template-mask.js';

/** One valid document of a file, with what is needed to place its nodes on lines. */
export interface ManifestDocument {
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  readonly templateSpans: MaskedText['spans'];
  /**
   * Offset of the document's first syntax error (`Infinity` when it has none). YAML is read top
   * down: what precedes the first error is what any parser, and the API server, sees; what follows
   * is the parser's guess. Only scalars that end before it are read.
   */
  readonly trustedEnd: number;
}

/**
 * Parses a multi-document YAML (or JSON: JSON is YAML) file within the budget, one document at a
 * time, so that what the first documents reveal is kept when a later one crosses a limit. A
 * document with a syntax error is kept up to that error (a mis-indented line late in a Deployment
 * does not make the literal credential above it any less committed). Nesting is bounded before
 * anything recurses: flow brackets are counted as they are lexed, and each document's syntax tree is
 * measured iteratively before it is composed. Throws `ManifestTooComplexError` when a limit is crossed.
 */
export function* manifestDocuments(source: string, budget: ComplexityBudget): Generator<ManifestDocument> {
  const { limits } = budget;
  if (source.length > limits.maxLength) throw new ManifestTooComplexError('maxLength');
  const { text, spans } = maskTemplates(source);
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  // Duplicate keys do not make a manifest harmless: keep the document and look at every value.
  const composer = new Composer({ uniqueKeys: false, merge: true, prettyErrors: false });
  let documents = 0;
  let flowDepth = 0;

  function* compose(tokens: Iterable<CST.Token>): Generator<ManifestDocument> {
    for (const token of tokens) {
      if (token.type === 'document') {
        documents += 1;
        if (documents > limits.maxDocuments) throw new ManifestTooComplexError('maxDocuments');
        measure(token, limits.maxDepth, budget);
      }
      for (const doc of composer.next(token)) yield document(doc);
    }
  }

  const document = (doc: Document.Parsed): ManifestDocument => ({
    doc,
    lines,
    templateSpans: spans,
    trustedEnd: doc.errors.reduce((first, error) => Math.min(first, error.pos[0]), Infinity),
  });

  lines.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    // Scalars arrive as single lexemes, so a bare bracket is always flow syntax.
    if (lexeme === '[' || lexeme === '{') {
      flowDepth += 1;
      if (flowDepth > limits.maxDepth) throw new ManifestTooComplexError('maxDepth');
    } else if ((lexeme === ']' || lexeme === '}') && flowDepth > 0) {
      flowDepth -= 1;
    }
    yield* compose(parser.next(lexeme));
  }
  yield* compose(parser.end());
  for (const doc of composer.end()) yield document(doc);
}

function measure(document: CST.Document, maxDepth: number, budget: ComplexityBudget): void {
  const stack: { token: CST.Token; depth: number }[] = document.value ? [{ token: document.value, depth: 1 }] : [];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { token, depth } = next;
    budget.syntax();
    if (depth > maxDepth) throw new ManifestTooComplexError('maxDepth');
    if (token.type === 'block-map' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if (item.key) stack.push({ token: item.key, depth: depth + 1 });
        if (item.value) stack.push({ token: item.value, depth: depth + 1 });
      }
    } else if (token.type === 'block-seq') {
      for (const item of token.items) if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
}
