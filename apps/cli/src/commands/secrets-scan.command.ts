import { GitError, listPushedChanges, listStagedChanges, openLocalRepository, resolveRevisionRange, type PushedChange } from '@portcullis/git';
import { ChangeSetScan, createSecretScanner, DEFAULT_MAX_FILE_BYTES, type FileScanResult, type SecretScanner, type Skip } from '@portcullis/secrets';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { type CliContext } from '../cli.context.js';
import { readWithin, walkDirectory } from './secrets-scan/directory-source.js';
import { baselineFingerprints, renderReport, REPORT_FORMATS, type ReportedFinding, type ReportFormat, type ScanReport } from './secrets-scan/scan-report.js';

interface ScanOptions {
  format: ReportFormat;
  staged?: boolean;
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
      'a directory (default: the current one; .git is skipped, symbolic links are not followed), or a revision range of the repository in --repo ' +
        '(main..HEAD, HEAD~3..HEAD, a commit id): the lines each commit added, and every changed manifest in full',
      '.',
    )
    .option('--staged', 'scan what the index adds over HEAD (for a pre-commit hook)')
    .option('--repo <dir>', 'the git repository for a revision range or --staged (default: the current directory)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(REPORT_FORMATS).default('json'))
    .option('-c, --config <file>', 'a gitleaks TOML config to load (repeatable; `[extend] useDefault = true` keeps our rules)', (v: string, acc: string[] = []) => [...acc, v])
    .option('-b, --baseline <file>', 'a previous report (any format): its fingerprints are not reported again, wherever the line moved')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-w, --workers <n>', `worker threads (default ${availableParallelism()}; 0 scans in this thread)`, positiveInt('--workers'))
    .option('--max-file-mb <mb>', 'files larger than this are reported as skipped (TOO_LARGE)', positiveInt('--max-file-mb'), DEFAULT_MAX_FILE_BYTES / 1024 / 1024)
    .option('--progress', 'print progress to stderr every second (default: when stderr is a terminal)')
    .addHelpText('after', '\nEnvironment:\n  PORTCULLIS_FINGERPRINT_KEY  the platform fingerprint key; without it fingerprints are random per run\n')
    .action(async (target: string, options: ScanOptions) => {
      const mode = await scanModeOf(target, options);
      const { key, stable } = fingerprintKeyOf(context.env, options.baseline !== undefined);
      const baseline = options.baseline === undefined ? new Set<string>() : baselineFingerprints(await readFile(options.baseline, 'utf8'));
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
          report = await scanDirectory(mode.dir, scanner, { maxFileBytes, baseline, concurrency: Math.max(2, (options.workers ?? availableParallelism()) * 4), progress });
        } else {
          const repository = await openLocalRepository(mode.repo, { maxFileBytes, maxManifestBytes: maxFileBytes, maxCommits: Number.MAX_SAFE_INTEGER }).catch(asUsage);
          const range = mode.kind === 'range' ? await resolveRevisionRange(repository, mode.range).catch(asUsage) : undefined;
          const changes = range ? listPushedChanges(repository, range) : listStagedChanges(repository, mode.repo);
          report = await scanChanges(changes, scanner, baseline, progress);
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
          `${report.findings.length} findings${report.baselined ? ` (${report.baselined} more in the baseline)` : ''}, ${report.skips.length} skipped\n`,
      );
      if (report.findings.length > 0) throw new CommanderError(1, 'portcullis.findings', '');
    });
}

type ScanMode = { kind: 'directory'; dir: string } | { kind: 'range'; repo: string; range: string } | { kind: 'staged'; repo: string };

/** A directory when the target is one; otherwise a revision range of --repo; --staged wins. */
async function scanModeOf(target: string, options: ScanOptions): Promise<ScanMode> {
  const repo = options.repo ?? '.';
  if (options.staged) return { kind: 'staged', repo };
  const info = await stat(target).catch(() => undefined);
  if (info?.isDirectory()) {
    if (options.repo !== undefined) throw usage('--repo goes with a revision range or --staged, not with a directory');
    return { kind: 'directory', dir: target };
  }
  if (info) throw usage(`${target} is not a directory (give a directory, a revision range such as main..HEAD, or --staged)`);
  if (target.startsWith('-') || !/^[\w./@^~{}:-]+$/.test(target)) throw usage(`${target} is neither a directory nor a revision range`);
  return { kind: 'range', repo, range: target };
}

/** Scans the changes of a revision range or of the index (see ChangeSetScan). */
async function scanChanges(changes: AsyncIterable<PushedChange>, scanner: SecretScanner, baseline: ReadonlySet<string>, progress: NodeJS.WritableStream | undefined): Promise<ScanReport> {
  const started = performance.now();
  const scan = new ChangeSetScan(scanner);
  let bytes = 0;
  let changed = 0;
  const ticker = progress ? setInterval(() => progress.write(`scanning: ${changed} changes, ${(bytes / 1e6).toFixed(1)} MB\n`), 1_000) : undefined;
  try {
    for await (const change of changes) {
      changed += 1;
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
  const result = scan.finish();
  const findings = result.findings.filter((f) => !baseline.has(f.fingerprint));
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  const skips = result.skips.map((s) => ({ path: s.path, reason: s.reason as Skip['reason'] })).sort((a, b) => a.path.localeCompare(b.path));
  return { findings, skips, baselined: result.findings.length - findings.length, stats: { files: result.files, bytes, durationMs: Math.round(performance.now() - started) } };
}

interface DirectoryScanSettings {
  maxFileBytes: number;
  baseline: ReadonlySet<string>;
  /** Files read and queued at once: enough to keep every worker busy, bounded so memory is. */
  concurrency: number;
  progress: NodeJS.WritableStream | undefined;
}

/** Streams the files of `root` through the scanner, a bounded number at a time. */
export async function scanDirectory(root: string, scanner: SecretScanner, settings: DirectoryScanSettings): Promise<ScanReport> {
  const started = performance.now();
  const findings: ReportedFinding[] = [];
  const skips: Skip[] = [];
  let files = 0;
  let bytes = 0;
  let baselined = 0;
  const collect = (result: FileScanResult) => {
    for (const finding of result.findings) {
      if (settings.baseline.has(finding.fingerprint)) baselined += 1;
      else findings.push(finding);
    }
    skips.push(...result.skips);
  };
  const ticker = settings.progress
    ? setInterval(() => settings.progress!.write(`scanning: ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${findings.length} findings\n`), 1_000)
    : undefined;
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const file of walkDirectory(root)) {
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
  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.path.localeCompare(b.path) || a.line - b.line);
  skips.sort((a, b) => a.path.localeCompare(b.path));
  return { findings, skips, baselined, stats: { files, bytes, durationMs: Math.round(performance.now() - started) } };
}
