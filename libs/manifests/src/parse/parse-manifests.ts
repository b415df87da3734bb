import { Composer, type CST, type Document, isAlias, isCollection, isPair, Lexer, type Node, Parser } from 'yaml';
import { type KubeObject, isMap } from '../kube-object.js';

/** Bounds on one `parseManifests` call: what a hostile repository may make the engine do. */
export interface ParseLimits {
  /** YAML documents in all files together (empty ones included). */
  maxDocuments: number;
  /** Objects after `List` kinds are flattened. */
  maxObjects: number;
  /** Nesting of mappings and sequences, in the source and after alias expansion. */
  maxDepth: number;
  /** Alias resolutions per document (the yaml library's `maxAliasCount`; stops "billion laughs"). */
  maxAliasCount: number;
  /** Characters of all YAML files together. */
  maxTotalBytes: number;
  /** Values (scalars, mappings, sequences) per document after alias expansion. */
  maxNodesPerDocument: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = {
  maxDocuments: 500,
  maxObjects: 500,
  maxDepth: 64,
  maxAliasCount: 100,
  maxTotalBytes: 8 * 1024 * 1024,
  maxNodesPerDocument: 200_000,
};

/** Something wrong with one document (or the whole input when `file` is empty). Values are never quoted. */
export interface ManifestProblem {
  /** Path as given in the files map; `''` for input-wide problems (total size). */
  file: string;
  /** 0-based index of the document in the file (`---` separated); -1 for file-wide problems. */
  document: number;
  /** 0-based index in `items` when the document is a `List`. */
  item?: number;
  message: string;
}

export interface ParsedManifests {
  /** Every valid object, in file order (files sorted by path), Lists flattened. */
  objects: KubeObject[];
  /** Empty when every document was valid. A caller should refuse to deploy when it is not. */
  problems: ManifestProblem[];
}

const YAML_FILE = /\.ya?ml$/i;

class LimitReached extends Error {}

/**
 * Parses the `*.yaml` / `*.yml` files of `files` (other files are ignored) as multi-document
 * Kubernetes YAML. YAML 1.1 rules as kubectl reads them (`yes` is true, `<<` merges). Problems
 * are collected, never thrown; after a limit is crossed the remaining input is not read.
 */
export function parseManifests(files: ReadonlyMap<string, string>, limits: Partial<ParseLimits> = {}): ParsedManifests {
  const bounds = { ...DEFAULT_PARSE_LIMITS, ...limits };
  const objects: KubeObject[] = [];
  const problems: ManifestProblem[] = [];
  const paths = [...files.keys()].filter((p) => YAML_FILE.test(p)).sort();

  let total = 0;
  for (const path of paths) total += files.get(path)!.length;
  if (total > bounds.maxTotalBytes) {
    problems.push({ file: '', document: -1, message: `manifests are ${total} characters, over the limit of ${bounds.maxTotalBytes}` });
    return { objects, problems };
  }

  const state = { documents: 0 };
  const seen = new Map<string, string>();
  for (const path of paths) {
    try {
      parseFile(files.get(path)!, bounds, state, (object, document, item) => {
        const key = `${groupOf(object.apiVersion)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push({ file: path, document, item, message: `${object.kind} ${object.metadata.name} is already defined in ${first}` });
          return;
        }
        seen.set(key, `${path}#${document}`);
        if (objects.length >= bounds.maxObjects) throw new LimitReached(`more than ${bounds.maxObjects} objects`);
        objects.push(object);
      }, (problem) => problems.push({ file: path, ...problem }));
    } catch (error) {
      if (!(error instanceof LimitReached)) throw error;
      problems.push({ file: path, document: -1, message: `${error.message}; the rest of the manifests were not read` });
      break;
    }
  }
  return { objects, problems };
}

type Emit = (object: KubeObject, document: number, item: number | undefined) => void;
type Report = (problem: Omit<ManifestProblem, 'file'>) => void;

function parseFile(source: string, limits: ParseLimits, state: { documents: number }, emit: Emit, report: Report): void {
  const parser = new Parser();
  // duplicate keys are an error: the API server and our checks could otherwise read different values
  const composer = new Composer({ version: '1.1', merge: true, uniqueKeys: true, prettyErrors: false });
  let tokens = 0;
  let index = -1;
  let flowDepth = 0;
  const tooDeep = new Set<number>();

  const handle = (doc: Document.Parsed): void => {
    index += 1;
    if (tooDeep.has(index)) report({ document: index, message: `nested deeper than ${limits.maxDepth} levels` });
    else readDocument(doc, index, limits, emit, report);
  };
  const compose = (cst: Iterable<CST.Token>): void => {
    for (let token of cst) {
      if (token.type === 'document') {
        state.documents += 1;
        if (state.documents > limits.maxDocuments) {
          for (const doc of composer.end()) handle(doc); // the documents before the limit still count
          throw new LimitReached(`more than ${limits.maxDocuments} YAML documents`);
        }
        if (syntaxDepth(token, limits.maxDepth) > limits.maxDepth) {
          // composing recurses as deep as the document: compose an empty stand-in, report the original
          tooDeep.add(tokens);
          token = { ...token, value: undefined };
        }
        tokens += 1;
      }
      for (const doc of composer.next(token)) handle(doc);
    }
  };

  // Flow brackets are counted as they are lexed: the parser itself must not see a `[[[[…` bomb.
  for (const lexeme of new Lexer().lex(source)) {
    if (lexeme === '[' || lexeme === '{') {
      flowDepth += 1;
      if (flowDepth > limits.maxDepth) {
        report({ document: index + 1, message: `nested deeper than ${limits.maxDepth} levels; the rest of the file was not read` });
        return;
      }
    } else if ((lexeme === ']' || lexeme === '}') && flowDepth > 0) {
      flowDepth -= 1;
    }
    compose(parser.next(lexeme));
  }
  compose(parser.end());
  for (const doc of composer.end()) handle(doc);
}

/** Deepest nesting of a document's syntax tree, measured without recursion; stops past `limit`. */
function syntaxDepth(document: CST.Document, limit: number): number {
  let deepest = 0;
  const stack: { token: CST.Token; depth: number }[] = document.value ? [{ token: document.value, depth: 1 }] : [];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { token, depth } = next;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    if (token.type === 'block-map' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if (item.key) stack.push({ token: item.key, depth: depth + 1 });
        if (item.value) stack.push({ token: item.value, depth: depth + 1 });
      }
    } else if (token.type === 'block-seq') {
      for (const item of token.items) if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return deepest;
}

function readDocument(doc: Document.Parsed, index: number, limits: ParseLimits, emit: Emit, report: Report): void {
  const first = doc.errors[0];
  if (first) {
    report({ document: index, message: `invalid YAML: ${yamlMessage(first)}` });
    return;
  }
  if (doc.contents === null || isEmptyScalar(doc.contents)) return;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    report({ document: index, message: `invalid YAML: ${error instanceof Error ? yamlMessage(error) : 'unreadable'}` });
    return;
  }
  const size = measureValue(value, limits.maxDepth, limits.maxNodesPerDocument);
  if (size !== undefined) {
    report({ document: index, message: size });
    return;
  }
  if (!isMap(value)) {
    report({ document: index, message: 'a document must be a mapping (a Kubernetes object)' });
    return;
  }
  if (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items'])) {
    value['items'].forEach((item: unknown, i) => {
      const problem = objectProblem(item);
      if (problem) report({ document: index, item: i, message: problem });
      else emit(item as KubeObject, index, i);
    });
    return;
  }
  const problem = objectProblem(value);
  if (problem) report({ document: index, message: problem });
  else emit(value as KubeObject, index, undefined);
}

/** Why `value` is not a Kubernetes object, or undefined when it is one. */
function objectProblem(value: unknown): string | undefined {
  if (!isMap(value)) return 'not a mapping';
  const missing: string[] = [];
  if (!nonEmptyString(value['apiVersion'])) missing.push('apiVersion');
  if (!nonEmptyString(value['kind'])) missing.push('kind');
  const metadata = value['metadata'];
  if (!isMap(metadata) || !nonEmptyString(metadata['name'])) missing.push('metadata.name');
  else if (metadata['namespace'] !== undefined && !nonEmptyString(metadata['namespace'])) missing.push('metadata.namespace (a string)');
  if (missing.length === 0) return undefined;
  const what = nonEmptyString(value['kind']) ? `${value['kind']} object` : 'object';
  return `${what} lacks ${missing.join(', ')}`;
}

/**
 * Iterative walk of the value as the API server would receive it (aliases expanded): undefined
 * when within bounds, else the reason. Stops at the first bound crossed, so a bomb costs at most
 * `maxNodes` steps.
 */
function measureValue(root: unknown, maxDepth: number, maxNodes: number): string | undefined {
  let nodes = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    nodes += 1;
    if (nodes > maxNodes) return `more than ${maxNodes} values after alias expansion`;
    if (next.depth > maxDepth) return `nested deeper than ${maxDepth} levels after alias expansion`;
    const children = Array.isArray(next.value) ? next.value : isMap(next.value) ? Object.values(next.value) : [];
    for (const child of children) stack.push({ value: child, depth: next.depth + 1 });
  }
  return undefined;
}

function isEmptyScalar(node: Node): boolean {
  return !isCollection(node) && !isAlias(node) && !isPair(node) && (node as { value?: unknown }).value === null;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** First line of a yaml error, without the source excerpt it may carry (it could hold a value). */
function yamlMessage(error: Error): string {
  const line = error.message.split('\n')[0] ?? '';
  return line.replace(/:\s*$/, '').slice(0, 200);
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
