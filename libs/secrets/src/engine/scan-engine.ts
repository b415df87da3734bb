import { performance } from 'node:perf_hooks';
import type { Severity } from '@portcullis/contracts';
import { SecretsConfigError } from '../errors.js';
import type { FileScanResult, Finding, ManifestScanContext, ScanInput, Skip, SkipReason } from '../model.js';
import type { Allowlist, CompiledRule } from '../rules/rule.js';
import { buildRuleSet, type RuleSet, type RuleSetOptions } from '../rules/rule-set.js';
import { shannonEntropy } from './entropy.js';
import { isPlaceholder } from './placeholders.js';
import { fingerprintOf, previewOf } from './redaction.js';
import type { PatternMatch } from './pattern.js';

/** The Kubernetes manifest analyser, as `./manifests/index.js` exports it. */
export interface ManifestAnalyser {
  mayBeManifest(path: string): boolean;
  /** `protectedLines`: spans of objects that hold secrets encrypted or by reference (no line rule reports there). */
  analyseManifest(text: string, ctx: ManifestScanContext): FileScanResult & { readonly protectedLines?: readonly { readonly from: number; readonly to: number }[] };
}

export interface ScanEngineOptions {
  /** Platform key for HMAC fingerprints; at least 16 bytes. */
  readonly fingerprintKey: Uint8Array;
  readonly rules?: RuleSetOptions;
  /** Larger files are skipped as TOO_LARGE. Default 10 MiB. */
  readonly maxFileBytes?: number;
  /** Wall-clock budget per file; past it the file's remaining work becomes a TIME_BUDGET skip. Default 10 s. */
  readonly fileTimeBudgetMs?: number;
  /** Manifest analyser for Kubernetes YAML/JSON; omit to scan manifests with the content rules only. */
  readonly manifestAnalyser?: ManifestAnalyser;
}

/** Synchronous, in-process scanning: what a worker thread runs, and what the CLI or a benchmark may call directly. */
export interface ScanEngine {
  readonly ruleSet: RuleSet;
  scan(input: ScanInput): FileScanResult;
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_FILE_TIME_BUDGET_MS = 10_000;
/** git's heuristic: a NUL byte in the first 8000 bytes makes a file binary. */
const BINARY_PROBE_BYTES = 8000;
const LFS_POINTER_PREFIX = 'version https://git-lfs.github.com/spec/v1';
const LFS_POINTER_MAX_BYTES = 1024;
/** Lines longer than this (minified code, data) are scanned in windows around keyword hits. */
const LONG_LINE = 4096;
const LONG_LINE_WINDOW = 1024;
/** How far past its keyword's line a multi-line rule (a PEM block) may reach. */
const MULTILINE_WINDOW = 16_384;
/** Keyword scanning checks the clock between chunks of this many characters. */
const PREFILTER_CHUNK = 1 << 20;
/** Manifest findings beat generic assignments on the same value, and lose to provider rules. */
const MANIFEST_PRIORITY = 45;
const utf8 = new TextDecoder('utf-8');

export function createScanEngine(options: ScanEngineOptions): ScanEngine {
  if (!(options.fingerprintKey instanceof Uint8Array) || options.fingerprintKey.byteLength < 16) {
    throw new SecretsConfigError('INVALID_OPTIONS', 'fingerprintKey must be at least 16 bytes');
  }
  const ruleSet = buildRuleSet(options.rules);
  const scanner = new FileScanner(ruleSet, {
    key: Uint8Array.from(options.fingerprintKey),
    maxFileBytes: positive(options.maxFileBytes, DEFAULT_MAX_FILE_BYTES, 'maxFileBytes'),
    budgetMs: positive(options.fileTimeBudgetMs, DEFAULT_FILE_TIME_BUDGET_MS, 'fileTimeBudgetMs'),
    manifests: options.manifestAnalyser,
  });
  return { ruleSet, scan: (input) => scanner.scan(input) };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new SecretsConfigError('INVALID_OPTIONS', `${name} must be a positive number`);
  return value;
}

interface Settings {
  readonly key: Uint8Array;
  readonly maxFileBytes: number;
  readonly budgetMs: number;
  readonly manifests: ManifestAnalyser | undefined;
}

/** A finding with the priority that decides which of two same-value findings stays. */
interface Ranked {
  readonly finding: Finding;
  readonly priority: number;
  /** Where the secret sits in the text it was found in (absent for manifest findings). */
  readonly span?: { readonly unit: TextUnit; readonly start: number; readonly end: number };
}

/** What allowlist regexes are matched against (`regexTarget`). */
interface AllowTarget {
  readonly secret: string;
  readonly match: string;
  readonly line: string;
}

/** State of one file's scan. */
interface FileState {
  readonly path: string;
  readonly commit: string | undefined;
  readonly deadline: number;
  readonly ruleActive: Uint8Array;
  readonly allowlistPathCache: Map<Allowlist, boolean>;
  /** Keyed by `line \0 fingerprint`: one finding per value per line. */
  readonly found: Map<string, Ranked>;
  /** Keys of `found` per line, to compare a new finding with its line's others only. */
  readonly byLine: Map<number, string[]>;
  timedOut: boolean;
}

/**
 * One piece of text to run rules over, with the mapping from its line index to the file's line
 * number. Line starts are computed only when a match needs a line number: most files have none.
 */
interface TextUnit {
  readonly text: string;
  lineStarts(): Int32Array;
  readonly lineNumber: (index: number) => number;
  /** Offsets of inline allow markers, filled by the prefilter. */
  readonly allowMarkers: number[];
  /** Line indices holding a marker; computed from `allowMarkers` on first use. */
  allowedLines: Set<number> | undefined;
}

class FileScanner {
  readonly #rules: RuleSet;
  readonly #settings: Settings;
  /** Per-rule windows [start, end, start, end, …] of the text unit being scanned; reused across files. */
  readonly #windows: number[][];

  constructor(rules: RuleSet, settings: Settings) {
    this.#rules = rules;
    this.#settings = settings;
    this.#windows = rules.rules.map(() => []);
  }

  scan(input: ScanInput): FileScanResult {
    const path = input.path;
    const skip = (reason: SkipReason): FileScanResult => ({ findings: [], skips: [{ path, reason }] });
    let text: string;
    let unit: TextUnit;
    if ('lines' in input) {
      let bytes = 0;
      for (const l of input.lines) bytes += l.text.length;
      if (bytes > this.#settings.maxFileBytes) return skip('TOO_LARGE');
      text = input.lines.map((l) => l.text).join('\n');
      const starts = new Int32Array(input.lines.length);
      let offset = 0;
      input.lines.forEach((l, i) => {
        starts[i] = offset;
        offset += l.text.length + 1;
      });
      const numbers = input.lines.map((l) => l.line);
      unit = makeUnit(text, () => starts, (i) => numbers[i]);
    } else {
      const decoded = this.#decode(input.content);
      if (typeof decoded !== 'string') return skip(decoded.reason);
      text = decoded;
      unit = makeUnit(text, undefined, (i) => i + 1);
    }

    const state = this.#startFile(path, input.commit);
    if (state === undefined) return { findings: [], skips: [] };
    const skips: Skip[] = [];
    this.#pathOnly(state);
    this.#scanUnit(unit, state);
    if (!('lines' in input) && this.#settings.manifests?.mayBeManifest(path) === true && !state.timedOut) {
      this.#manifest(unit, state, skips);
    }
    if (state.timedOut) skips.push({ path, reason: 'TIME_BUDGET' });
    const findings = [...state.found.values()].map((r) => r.finding);
    findings.sort((a, b) => a.line - b.line || a.ruleId.localeCompare(b.ruleId));
    return { findings, skips };
  }

  #decode(content: string | Uint8Array): string | Skip {
    const skipOf = (reason: SkipReason): Skip => ({ path: '', reason });
    if (typeof content === 'string') {
      if (content.length > this.#settings.maxFileBytes || Buffer.byteLength(content, 'utf8') > this.#settings.maxFileBytes) {
        return skipOf('TOO_LARGE');
      }
      const probe = content.length > BINARY_PROBE_BYTES ? content.slice(0, BINARY_PROBE_BYTES) : content;
      if (probe.includes('\u0000')) return skipOf('BINARY');
      if (content.length <= LFS_POINTER_MAX_BYTES && content.startsWith(LFS_POINTER_PREFIX)) return skipOf('LFS_POINTER');
      return content;
    }
    if (content.byteLength > this.#settings.maxFileBytes) return skipOf('TOO_LARGE');
    const probeEnd = Math.min(content.byteLength, BINARY_PROBE_BYTES);
    for (let i = 0; i < probeEnd; i++) if (content[i] === 0) return skipOf('BINARY');
    const text = utf8.decode(content);
    if (content.byteLength <= LFS_POINTER_MAX_BYTES && text.startsWith(LFS_POINTER_PREFIX)) return skipOf('LFS_POINTER');
    return text;
  }

  /** Per-file setup; undefined when a global path allowlist covers the whole file. */
  #startFile(path: string, commit: string | undefined): FileState | undefined {
    const { rules, globalAllowlists } = this.#rules;
    const state: FileState = {
      path,
      commit,
      deadline: performance.now() + this.#settings.budgetMs,
      ruleActive: new Uint8Array(rules.length),
      allowlistPathCache: new Map(),
      found: new Map(),
      byLine: new Map(),
      timedOut: false,
    };
    for (const allowlist of globalAllowlists) {
      if (allowlist.targetRules === undefined && allowlist.condition === 'OR' && this.#pathAllowed(allowlist, state)) return undefined;
    }
    rules.forEach((rule, i) => {
      state.ruleActive[i] = rule.path === undefined || rule.path.test(path) ? 1 : 0;
    });
    return state;
  }

  #pathOnly(state: FileState): void {
    for (const index of this.#rules.pathOnlyRules) {
      if (state.ruleActive[index] === 0) continue;
      const rule = this.#rules.rules[index];
      if (this.#allowed(rule, state, { secret: state.path, match: state.path, line: state.path })) continue;
      this.#add(state, rule.priority, {
        ruleId: rule.id,
        kind: 'secret',
        severity: rule.severity,
        description: rule.description,
        path: state.path,
        line: 1,
        fingerprint: fingerprintOf(this.#settings.key, `path:${state.path}`),
        preview: '***',
      });
    }
  }

  /** Keyword prefilter, then each hit rule's regex over the lines (or windows) that hold its keywords. */
  #scanUnit(unit: TextUnit, state: FileState): void {
    const { rules, automaton, rulesByKeyword, unkeyedRules, firstAllowMarker } = this.#rules;
    const { text } = unit;
    const windows = this.#windows;
    const touched: number[] = [];
    // Bounds of the line of the last hit: hits come in text order, often several on one line.
    let ls = 0;
    let le = -1;
    const addWindow = (ruleIndex: number, start: number, end: number): void => {
      const w = windows[ruleIndex];
      if (w.length === 0) touched.push(ruleIndex);
      else if (start <= w[w.length - 1]) {
        if (end > w[w.length - 1]) w[w.length - 1] = end;
        return;
      }
      w.push(start, end);
    };
    const onHit = (keyword: number, end: number): void => {
      const hitStart = end - automaton.keywords[keyword].length;
      if (keyword >= firstAllowMarker) {
        unit.allowMarkers.push(hitStart);
        return;
      }
      if (hitStart > le) {
        ls = hitStart === 0 ? 0 : text.lastIndexOf('\n', hitStart - 1) + 1;
        le = text.indexOf('\n', hitStart);
        if (le === -1) le = text.length;
      }
      for (const r of rulesByKeyword[keyword]) {
        if (state.ruleActive[r] === 0) continue;
        if (rules[r].multiline) addWindow(r, ls, Math.min(text.length, ls + MULTILINE_WINDOW));
        else if (le - ls <= LONG_LINE) addWindow(r, ls, le);
        else addWindow(r, Math.max(ls, hitStart - LONG_LINE_WINDOW), Math.min(le, end + LONG_LINE_WINDOW));
      }
    };
    try {
      let prefilterState = 0;
      for (let from = 0; from < text.length; from += PREFILTER_CHUNK) {
        if (performance.now() > state.deadline) {
          state.timedOut = true;
          return;
        }
        // The automaton's state carries over, so a keyword across a chunk border is still found.
        prefilterState = automaton.scan(text, from, Math.min(text.length, from + PREFILTER_CHUNK), onHit, prefilterState);
      }
      for (const r of unkeyedRules) if (state.ruleActive[r] === 1) addWindow(r, 0, text.length);

      for (const r of touched) {
        const rule = rules[r];
        const w = windows[r];
        for (let i = 0; i < w.length; i += 2) {
          if (performance.now() > state.deadline) {
            state.timedOut = true;
            return;
          }
          const start = w[i];
          const end = w[i + 1];
          const slice = start === 0 && end === text.length ? text : text.slice(start, end);
          rule.pattern?.forEachMatch(slice, (m) => this.#onMatch(rule, m, start, unit, state));
        }
      }
    } finally {
      for (const r of touched) windows[r].length = 0;
    }
  }

  #onMatch(rule: CompiledRule, m: PatternMatch, offset: number, unit: TextUnit, state: FileState): void {
    const groups = m.groups;
    const match = groups[0] ?? '';
    const secret = secretOf(rule, groups);
    if (secret === undefined || secret.length === 0) return;
    const matchStart = offset + m.index;
    const lineStarts = unit.lineStarts();
    const lineIndex = lineIndexOf(lineStarts, matchStart);
    if (unit.allowMarkers.length > 0) {
      unit.allowedLines ??= new Set(unit.allowMarkers.map((o) => lineIndexOf(lineStarts, o)));
      if (unit.allowedLines.has(lineIndex) || unit.allowedLines.has(lineIndexOf(lineStarts, matchStart + match.length))) return;
    }
    if (rule.entropy > 0 && shannonEntropy(secret) <= rule.entropy) return;
    if (rule.skipPlaceholders && isPlaceholder(secret)) return;
    if (rule.validate && !rule.validate({ secret, match, groups, path: state.path })) return;
    if (this.#allowed(rule, state, { secret, match, line: lineTextOf(unit, lineIndex) })) return;

    const at = Math.max(0, match.indexOf(secret));
    const span = { unit, start: matchStart + at, end: matchStart + at + secret.length };
    this.#add(state, rule.priority, {
      ruleId: rule.id,
      kind: 'secret',
      severity: rule.severity,
      description: rule.description,
      path: state.path,
      line: unit.lineNumber(lineIndex),
      fingerprint: fingerprintOf(this.#settings.key, secret),
      preview: previewOf(match.slice(0, at), secret, match.slice(at + secret.length), rule.reveal),
    }, span);
  }

  /**
   * Keeps one finding per value per line, and drops a less specific rule's finding whose secret
   * overlaps a more specific one's (`X-Amz-Credential=AKIA…%2F…` is one AWS key, not two findings).
   */
  #add(state: FileState, priority: number, finding: Finding, span?: Ranked['span']): void {
    const key = `${finding.line}\u0000${finding.fingerprint}`;
    const existing = state.found.get(key);
    if (existing !== undefined && priority >= existing.priority) return;
    let lineKeys = state.byLine.get(finding.line);
    if (lineKeys === undefined) state.byLine.set(finding.line, (lineKeys = []));
    if (span !== undefined) {
      for (const otherKey of lineKeys) {
        const other = state.found.get(otherKey);
        const o = other?.span;
        if (other === undefined || otherKey === key || o === undefined || o.unit !== span.unit || o.start >= span.end || span.start >= o.end) continue;
        if (other.priority < priority) return;
        if (priority < other.priority) state.found.delete(otherKey);
      }
    }
    if (existing === undefined) lineKeys.push(key);
    state.found.set(key, { finding, priority, ...(span ? { span } : {}) });
  }

  /** True when one of the rule's allowlists, or a global one that applies to it, allows the finding. */
  #allowed(rule: CompiledRule, state: FileState, target: AllowTarget): boolean {
    for (const allowlist of rule.allowlists) if (this.#allowlistMatches(allowlist, state, target)) return true;
    return this.#globallyAllowed(rule.id, state, target);
  }

  #globallyAllowed(ruleId: string, state: FileState, target: AllowTarget): boolean {
    for (const allowlist of this.#rules.globalAllowlists) {
      if (allowlist.targetRules !== undefined && !allowlist.targetRules.includes(ruleId)) continue;
      if (this.#allowlistMatches(allowlist, state, target)) return true;
    }
    return false;
  }

  #allowlistMatches(allowlist: Allowlist, state: FileState, target: AllowTarget): boolean {
    const results: boolean[] = [];
    if (allowlist.commits.length > 0) {
      const commit = state.commit;
      results.push(commit !== undefined && allowlist.commits.some((c) => c.length > 0 && (commit.startsWith(c) || c.startsWith(commit))));
    }
    if (allowlist.paths.length > 0) results.push(this.#pathAllowed(allowlist, state));
    if (allowlist.regexes.length > 0) {
      const text = target[allowlist.regexTarget];
      results.push(allowlist.regexes.some((r) => r.test(text)));
    }
    if (allowlist.stopwords.length > 0) {
      const lower = target.secret.toLowerCase();
      results.push(allowlist.stopwords.some((w) => lower.includes(w)));
    }
    return allowlist.condition === 'AND' ? results.length > 0 && results.every(Boolean) : results.some(Boolean);
  }

  #pathAllowed(allowlist: Allowlist, state: FileState): boolean {
    let result = state.allowlistPathCache.get(allowlist);
    if (result === undefined) {
      result = allowlist.paths.some((p) => p.test(state.path));
      state.allowlistPathCache.set(allowlist, result);
    }
    return result;
  }

  #manifest(unit: TextUnit, state: FileState, skips: Skip[]): void {
    const analyser = this.#settings.manifests as ManifestAnalyser;
    const key = this.#settings.key;
    /** Findings a global allowlist covers: the analyser gets them (its API returns one) but they are not reported. */
    const allowed = new WeakSet<Finding>();
    const ctx: ManifestScanContext = {
      path: state.path,
      finding: (f: { ruleId: string; severity: Severity; description: string; line: number; value: string; context: string }): Finding => {
        const finding: Finding = {
          ruleId: f.ruleId,
          kind: 'manifest',
          severity: f.severity,
          description: f.description,
          path: state.path,
          line: f.line,
          fingerprint: fingerprintOf(key, f.value),
          preview: previewOf(f.context, f.value, '', 0),
        };
        const line = f.line - 1 < unit.lineStarts().length ? lineTextOf(unit, f.line - 1) : '';
        if (this.#globallyAllowed(f.ruleId, state, { secret: f.value, match: f.context + f.value, line })) allowed.add(finding);
        return finding;
      },
      scanValue: (value: string, line: number): readonly Finding[] => {
        const sub: FileState = { ...state, found: new Map(), byLine: new Map(), timedOut: false };
        this.#scanUnit(makeUnit(value, undefined, () => line), sub);
        if (sub.timedOut) state.timedOut = true;
        return [...sub.found.values()].map((r) => r.finding);
      },
      isPlaceholder,
    };
    let result: ReturnType<ManifestAnalyser['analyseManifest']>;
    try {
      result = analyser.analyseManifest(unit.text, ctx);
    } catch {
      // A bug in the analyser must not lose the content findings; the skip makes it visible.
      skips.push({ path: state.path, reason: 'MANIFEST_TOO_COMPLEX' });
      return;
    }
    // The analyser understands these lines better than the line rules: a SealedSecret's or SOPS
    // file's ciphertext is no leak, and a Secret's `data` value is reported decoded (its own
    // fingerprint), so a line rule's finding on the encoded text would be a second, wrong incident.
    const spans = result.protectedLines ?? [];
    const owned = new Set(result.findings.map((f) => f.line));
    for (const [key, ranked] of state.found) {
      const line = ranked.finding.line;
      if (!owned.has(line) && !spans.some((s) => line >= s.from && line <= s.to)) continue;
      state.found.delete(key);
      const keys = state.byLine.get(line);
      if (keys) state.byLine.set(line, keys.filter((k) => k !== key));
    }
    const starts = unit.lineStarts();
    const allowedLines = new Set(unit.allowMarkers.map((o) => lineIndexOf(starts, o) + 1));
    for (const finding of result.findings) {
      if (allowed.has(finding) || allowedLines.has(finding.line)) continue;
      this.#add(state, finding.kind === 'manifest' ? MANIFEST_PRIORITY : priorityOf(this.#rules, finding.ruleId), finding);
    }
    skips.push(...result.skips);
  }
}

function priorityOf(rules: RuleSet, ruleId: string): number {
  return rules.rules.find((r) => r.id === ruleId)?.priority ?? MANIFEST_PRIORITY;
}

/** gitleaks semantics: the configured group(s), first non-empty; with none configured, the first non-empty group, else the match. */
function secretOf(rule: CompiledRule, groups: readonly (string | undefined)[]): string | undefined {
  if (rule.secretGroups.length > 0) {
    for (const g of rule.secretGroups) {
      const value = groups[g];
      if (value !== undefined && value.length > 0) return value;
    }
    return undefined;
  }
  for (let g = 1; g < groups.length; g++) {
    const value = groups[g];
    if (value !== undefined && value.length > 0) return value;
  }
  return groups[0];
}

function makeUnit(text: string, lineStarts: (() => Int32Array) | undefined, lineNumber: (index: number) => number): TextUnit {
  let starts: Int32Array | undefined;
  return {
    text,
    lineStarts: lineStarts ?? (() => (starts ??= lineStartsOf(text))),
    lineNumber,
    allowMarkers: [],
    allowedLines: undefined,
  };
}

export function lineStartsOf(text: string): Int32Array {
  let starts = new Int32Array(256);
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (n === starts.length) {
      const grown = new Int32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[n++] = i + 1;
  }
  return starts.subarray(0, n);
}

function lineIndexOf(lineStarts: Int32Array, offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineTextOf(unit: TextUnit, index: number): string {
  const starts = unit.lineStarts();
  const end = index + 1 < starts.length ? starts[index + 1] - 1 : unit.text.length;
  return unit.text.slice(starts[index], end);
}
