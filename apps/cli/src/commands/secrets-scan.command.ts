import { GitError, listPushedChanges, listStagedChanges, openLocalRepository, resolveRevisionRange, type PushedChange } from '@portcullis/git';
import {
  ChangeSetScan,
  createSecretScanner,
  DEFAULT_MAX_FILE_BYTES,
  isIgnoredPath,
  resolveSecretsPolicy,
  suppressionFor,
  type FileScanResult,
  type SecretScanner,
  type SecretsPolicy,
  type Skip,
} from '@portcullis/secrets';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type CliContext } from '../cli.context.js';
import { readWithin, walkDirectory, walkTrackedFiles, type WalkedFile } from './secrets-scan/directory-source.js';
import { baselineFingerprints, renderReport, REPORT_FORMATS, type ReportedFinding, type ReportFormat, type ScanReport, type SuppressedFinding } from './secrets-scan/scan-report.js';

interface ScanOptions {
  format: ReportFormat;
  staged?: boolean;
  gitTracked?: boolean;
  /** A policy file; `false` with --no-policy; unset: the target's own `.portcullis.yaml`, if any. */
  policy?: string | false;
  repo?: string;
  config?: string[];
  baseline?: string;
  output?: string;
  workers?: number;
  maxFileMb: number;
  progress?: boolean;
}

/** Bad usage: exit code 2, so scripts can tell it from "findings" (1). */
const usage = (message: string) => new CommanderError(2, 'portcullis.usage', message);

/** libs/git's verdict on what the user typed (not a repository, not a range) is bad usage. */
const asUsage = (error: unknown): never => {
  if (error instanceof GitError && error.code === 'INVALID_INPUT') throw usage(error.message);
  throw error;
};

const SEVERITY_ORDER = { critical: 0, high: 1, medium: 2, low: 3, unknown: 4 } as const;

/** The repository's pipeline file, as the secret-auditor reads it at the pushed commit. */
const PIPELINE_FILE = '.portcullis.yaml';

/**
 * The `secrets:` policy to apply: from `--policy`, else from `defaultFile` when it exists; none
 * with --no-policy. A policy that cannot be read or validated is bad usage: scanning without it
 * would report what the repository suppressed (or hide nothing it meant to hide) without a word.
 */
async function policyOf(option: string | false | undefined, defaultFile: string): Promise<SecretsPolicy | undefined> {
  if (option === false) return undefined;
  const file = option ?? defaultFile;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (option === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usage(`cannot read the policy ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
  } catch {
    throw usage(`${file} is not valid YAML`);
  }
  const section = document !== null && typeof document === 'object' ? (document as Record<string, unknown>)['secrets'] : undefined;
  const resolved = resolveSecretsPolicy(section);
  // Problems name the field and the rule broken, never the value (a suppression may quote a secret's place).
  if (!resolved.ok) throw usage(`${file}: invalid secrets policy\n  ${resolved.problems.join('\n  ')}`);
  return resolved.policy;
}

/** Sorts each finding into reported, baselined or suppressed (by the policy, while unexpired). */
class FindingSorter {
  readonly findings: ReportedFinding[] = [];
  readonly suppressed: SuppressedFinding[] = [];
  baselined = 0;
  /** Paths left unscanned by `paths.ignore` (a set: several commits may touch one path). */
  private readonly ignoredPaths = new Set<string>();

  constructor(
    private readonly baseline: ReadonlySet<string>,
    private readonly policy: SecretsPolicy | undefined,
    private readonly now: Date,
  ) {}

  /** True when the policy's `paths.ignore` says the file is not to be scanned. */
  ignores(path: string): boolean {
    const ignored = this.policy !== undefined && isIgnoredPath(this.policy, path);
    if (ignored) this.ignoredPaths.add(path);
    return ignored;
  }

  add(finding: ReportedFinding): void {
    if (this.baseline.has(finding.fingerprint)) {
      this.baselined += 1;
      return;
    }
    const suppression = this.policy && suppressionFor(this.policy, finding, this.now);
    if (suppression) {
      const { ruleId, path, line, fingerprint } = finding;
      this.suppressed.push({ ruleId, path, line, fingerprint, reason: suppression.reason, owner: suppression.owner, until: suppression.until });
    } else {
      this.findings.push(finding);
    }
  }

  /** The report's finding fields, sorted by severity, then place. */
  sorted(): Pick<ScanReport, 'findings' | 'suppressed' | 'baselined' | 'ignored'> {
    this.findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
    this.suppressed.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
    return { findings: this.findings, suppressed: this.suppressed, baselined: this.baselined, ignored: this.ignoredPaths.size };
  }
}

/**
 * The fingerprint key: the platform's (so fingerprints match triage and baselines org-wide) from
 * PORTCULLIS_FINGERPRINT_KEY, or a random one for this run only. A fixed public default would let
 * anyone brute-force short secrets from a committed report.
 */
function fingerprintKeyOf(env: CliContext['env'], needStable: boolean): { key: Buffer; stable: boolean } {
  const configured = env['PORTCULLIS_FINGERPRINT_KEY'];
  if (configured !== undefined && configured !== '') {
    if (Buffer.byteLength(configured) < 16) throw usage('PORTCULLIS_FINGERPRINT_KEY must be at least 16 bytes');
    return { key: createHash('sha256').update(configured).digest(), stable: true };
  }
  if (needStable) {
    throw usage('--baseline compares fingerprints, which need the platform key: set PORTCULLIS_FINGERPRINT_KEY');
  }
  return { key: randomBytes(32), stable: false };
}

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer`);
  return n;
};

/** `portcullis secrets scan <dir>`: the engine the secret-auditor runs, on a working tree. */
export function secretsScanCommand(context: CliContext): Command {
  return new Command('scan')
    .description(
      'Scan a directory, a git revision range or the staged changes for plaintext secrets and Kubernetes manifests that expose them. ' +
        'Exit code 1 when there are findings (after --baseline), 0 when clean, 2 on bad usage. Reports never contain a secret: ' +
        'fingerprints and masked previews only.',
    )
    .argument(
      '[target]',
      'a directory (default: the current one; every file on disk, .git skipped, symbolic links not followed — see --git-tracked), ' +
        'or a revision range of the repository in --repo ' +
        '(main..HEAD, HEAD~3..HEAD, a commit id): the lines each commit added, and every changed manifest in full',
      '.',
    )
    .option('--staged', 'scan what the index adds over HEAD (for a pre-commit hook)')
    .option(
      '--git-tracked',
      'with a directory inside a git work tree: scan only the files git tracks (its index), as they are on disk — what a clone of the repository holds. ' +
        'Without it every file is scanned, git-ignored ones included: an ignored .env is where a local secret usually sits',
    )
    .option(
      '--policy <file>',
      "the .portcullis.yaml whose `secrets:` section applies: `paths.ignore` globs are not scanned, unexpired `suppressions` are listed but do not count " +
        '(default: .portcullis.yaml in the scanned directory, or in --repo, when there is one)',
    )
    .option('--no-policy', "ignore the repository's .portcullis.yaml: report every finding")
    .option('--repo <dir>', 'the git repository for a revision range or --staged (default: the current directory)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(REPORT_FORMATS).default('json'))
    .option('-c, --config <file>', 'a gitleaks TOML config to load (repeatable; `[extend] useDefault = true` keeps our rules)', (v: string, acc: string[] = []) => [...acc, v])
    .option('-b, --baseline <file>', 'a previous report (any format): its fingerprints are not reported again, wherever the line moved')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-w, --workers <n>', `worker threads (default ${availableParallelism()}; 0 scans in this thread)`, positiveInt('--workers'))
    .option('--max-file-mb <mb>', 'files larger than this are reported as skipped (TOO_LARGE)', positiveInt('--max-file-mb'), DEFAULT_MAX_FILE_BYTES / 1024 / 1024)
    .option('--progress', 'print progress to stderr every second (default: when stderr is a terminal)')
    .addHelpText(
      'after',
      '\nThe `secrets:` section of .portcullis.yaml is the one the secret-auditor judges pushes by (same schema, same globs, matched against the\n' +
        'reported paths). Its `failOn` is not applied here: every finding that is not suppressed or baselined counts.\n' +
        '\nEnvironment:\n  PORTCULLIS_FINGERPRINT_KEY  the platform fingerprint key; without it fingerprints are random per run (fingerprint suppressions then never match)\n',
    )
    .action(async (target: string, options: ScanOptions) => {
      const mode = await scanModeOf(target, options);
      const policy = await policyOf(options.policy, join(mode.kind === 'directory' ? mode.dir : mode.repo, PIPELINE_FILE));
      const { key, stable } = fingerprintKeyOf(context.env, options.baseline !== undefined);
      const baseline = options.baseline === undefined ? new Set<string>() : baselineFingerprints(await readFile(options.baseline, 'utf8'));
      const sorter = new FindingSorter(baseline, policy, new Date());
      const gitleaksConfigs = await Promise.all((options.config ?? []).map(async (file) => ({ name: file, toml: await readFile(file, 'utf8') })));
      const maxFileBytes = options.maxFileMb * 1024 * 1024;
      const scanner = createSecretScanner({
        fingerprintKey: key,
        maxFileBytes,
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        ...(gitleaksConfigs.length > 0 ? { rules: { gitleaksConfigs } } : {}),
      });
      if (!stable) context.stderr.write('portcullis: PORTCULLIS_FINGERPRINT_KEY is not set; fingerprints are valid for this run only\n');
      let report: ScanReport;
      try {
        const progress = (options.progress ?? (context.stderr as { isTTY?: boolean }).isTTY === true) ? context.stderr : undefined;
        if (mode.kind === 'directory') {
          const files = mode.tracked ? walkTrackedFiles(mode.dir) : walkDirectory(mode.dir);
          // Outside a git work tree, --git-tracked is bad usage (libs/git says INVALID_INPUT).
          report = await scanDirectory(files, scanner, { maxFileBytes, sorter, concurrency: Math.max(2, (options.workers ?? availableParallelism()) * 4), progress }).catch(asUsage);
        } else {
          const repository = await openLocalRepository(mode.repo, { maxFileBytes, maxManifestBytes: maxFileBytes, maxCommits: Number.MAX_SAFE_INTEGER }).catch(asUsage);
          const range = mode.kind === 'range' ? await resolveRevisionRange(repository, mode.range).catch(asUsage) : undefined;
          const changes = range ? listPushedChanges(repository, range) : listStagedChanges(repository, mode.repo);
          report = await scanChanges(changes, scanner, sorter, progress);
        }
      } finally {
        await scanner.close();
      }
      const rendered = renderReport(report, options.format);
      if (options.output) {
        await writeFile(options.output, rendered);
      } else {
        context.stdout.write(rendered);
      }
      context.stderr.write(
        `portcullis: ${report.stats.files} files, ${(report.stats.bytes / 1e6).toFixed(1)} MB in ${(report.stats.durationMs / 1000).toFixed(1)} s: ` +
          `${report.findings.length} findings${report.baselined ? ` (${report.baselined} more in the baseline)` : ''}` +
          `${report.suppressed.length ? `, ${report.suppressed.length} suppressed by ${PIPELINE_FILE}` : ''}, ${report.skips.length} skipped` +
          `${report.ignored ? `, ${report.ignored} ignored by ${PIPELINE_FILE}` : ''}\n`,
      );
      if (report.findings.length > 0) throw new CommanderError(1, 'portcullis.findings', '');
    });
}

type ScanMode = { kind: 'directory'; dir: string; tracked: boolean } | { kind: 'range'; repo: string; range: string } | { kind: 'staged'; repo: string };

/** A directory when the target is one; otherwise a revision range of --repo; --staged wins. */
async function scanModeOf(target: string, options: ScanOptions): Promise<ScanMode> {
  const repo = options.repo ?? '.';
  if (options.gitTracked && (options.staged || options.repo !== undefined)) throw usage('--git-tracked goes with a directory, not with a revision range or --staged');
  if (options.staged) return { kind: 'staged', repo };
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) {
    if (options.repo !== undefined) throw usage('--repo goes with a revision range or --staged, not with a directory');
    return { kind: 'directory', dir: target, tracked: options.gitTracked === true };
  }
  if (options.gitTracked) throw usage(`--git-tracked needs a directory; ${target} is not one`);
  if (info) throw usage(`${target} is not a directory (give a directory, a revision range such as main..HEAD, or --staged)`);
  if (target.startsWith('-') || !/^[\w./@^~{}:-]+$/.test(target)) throw usage(`${target} is neither a directory nor a revision range`);
  return { kind: 'range', repo, range: target };
}

/** Scans the changes of a revision range or of the index (see ChangeSetScan). */
async function scanChanges(changes: AsyncIterable<PushedChange>, scanner: SecretScanner, sorter: FindingSorter, progress: NodeJS.WritableStream | undefined): Promise<ScanReport> {
  const started = performance.now();
  // Files stay in the worker pool while the next change is listed (docs/benchmarks.md, "Secrets in image layers").
  const scan = new ChangeSetScan(scanner, { maxPendingScans: 32 });
  let bytes = 0;
  let changed = 0;
  const ticker = progress ? setInterval(() => progress.write(`scanning: ${changed} changes, ${(bytes / 1e6).toFixed(1)} MB\n`), 1_000) : undefined;
  try {
    for await (const change of changes) {
      changed += 1;
      if (sorter.ignores(change.path)) continue;
      if (change.kind === 'lines') {
        for (const line of change.addedLines) bytes += line.text.length + 1;
        await scan.add({ kind: 'lines', commit: change.commit, author: change.author, path: change.path, lines: change.addedLines });
      } else if (change.kind === 'manifest') {
        bytes += change.content.length;
        await scan.add({ kind: 'manifest', commit: change.commit, author: '', path: change.path, content: change.content });
      } else {
        await scan.add({ kind: 'skipped', path: change.path, reason: change.reason });
      }
    }
  } finally {
    clearInterval(ticker);
  }
  const result = await scan.complete();
  for (const finding of result.findings) sorter.add(finding);
  const skips = result.skips.map((s) => ({ path: s.path, reason: s.reason as Skip['reason'] })).sort((a, b) => a.path.localeCompare(b.path));
  return { ...sorter.sorted(), skips, stats: { files: result.files, bytes, durationMs: Math.round(performance.now() - started) } };
}

interface DirectoryScanSettings {
  maxFileBytes: number;
  sorter: FindingSorter;
  /** Files read and queued at once: enough to keep every worker busy, bounded so memory is. */
  concurrency: number;
  progress: NodeJS.WritableStream | undefined;
}

/** Streams the walked files through the scanner, a bounded number at a time. */
async function scanDirectory(walk: AsyncIterable<WalkedFile>, scanner: SecretScanner, settings: DirectoryScanSettings): Promise<ScanReport> {
  const started = performance.now();
  const { sorter } = settings;
  const skips: Skip[] = [];
  let files = 0;
  let bytes = 0;
  const collect = (result: FileScanResult) => {
    for (const finding of result.findings) sorter.add(finding);
    skips.push(...result.skips);
  };
  const ticker = settings.progress
    ? setInterval(() => settings.progress!.write(`scanning: ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${sorter.findings.length} findings\n`), 1_000)
    : undefined;
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const file of walk) {
      if (sorter.ignores(file.path)) continue;
      const task = (async () => {
        const content = await readWithin(file.absolutePath, settings.maxFileBytes).catch(() => 'UNREADABLE' as const);
        files += 1;
        if (content === 'TOO_LARGE' || content === 'UNREADABLE') {
          skips.push({ path: file.path, reason: content });
          return;
        }
        bytes += content.byteLength;
        collect(await scanner.scan({ path: file.path, content }));
      })();
      inFlight.add(task);
      const settle = () => inFlight.delete(task);
      void task.then(settle, settle); // a failure still surfaces through the race or Promise.all
      if (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(ticker);
  }
  skips.sort((a, b) => a.path.localeCompare(b.path));
  return { ...sorter.sorted(), skips, stats: { files, bytes, durationMs: Math.round(performance.now() - started) } };
}
