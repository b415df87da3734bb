import { parsePlatform, RegistryError, type Platform } from '@portcullis/registry';
import { SbomError } from '@portcullis/sbom';
import { loadOsvDirectory, loadOsvZip, VulnDbError, type VulnDb } from '@portcullis/vulndb';
import { Command, CommanderError, Option } from 'commander';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CliContext } from '../cli.context.js';
import { openDockerArchive } from './image-scan/docker-archive-source.js';
import { ImageSourceUsageError, type ImageSource } from './image-scan/image-source.js';
import {
  FAIL_ON_LEVELS,
  failingFindings,
  IMAGE_REPORT_FORMATS,
  renderImageReport,
  type FailOn,
  type ImagePolicy,
  type ImageReportFormat,
} from './image-scan/image-report.js';
import { openOciLayout } from './image-scan/oci-layout-source.js';
import { openRegistryImage, type RegistryAccess } from './image-scan/registry-source.js';
import { scanImage } from './image-scan/scan-image.js';

interface ImageScanOptions {
  format: ImageReportFormat;
  output?: string;
  db?: string;
  platform: string;
  failOn: FailOn;
  fixableOnly?: boolean;
  registryInsecure?: boolean;
  registryUrl?: string;
  registryAuthFile?: string;
  progress?: boolean;
}

/** Bad usage: exit code 2, as for every command. */
const usage = (message: string) => new CommanderError(2, 'portcullis.usage', message);
/** The scan could not be done (unreachable, refused, corrupt): exit code 3, so "not scanned" is never read as a verdict. */
const scanFailed = (message: string) => new CommanderError(3, 'portcullis.scan-failed', `image scan failed: ${message}`);

/** Registry codes that mean the user named something unusable, rather than that the image is. */
const USAGE_CODES = new Set(['INVALID_REFERENCE', 'REGISTRY_NOT_CONFIGURED', 'INVALID_CONFIG']);

function asCliError(error: unknown): CommanderError {
  if (error instanceof CommanderError) return error;
  if (error instanceof ImageSourceUsageError) return usage(error.message);
  if (error instanceof RegistryError && USAGE_CODES.has(error.code)) return usage(`[${error.code}] ${error.message}`);
  if (error instanceof RegistryError || error instanceof SbomError || error instanceof VulnDbError) return scanFailed(`[${error.code}] ${error.message}`);
  return scanFailed(error instanceof Error ? error.message : String(error));
}

type Target = { kind: 'registry'; ref: string } | { kind: 'oci-layout'; dir: string; refName?: string } | { kind: 'docker-archive'; file: string; tag?: string };

const isLayout = async (dir: string) => (await stat(join(dir, 'index.json')).catch(() => undefined))?.isFile() === true;

/**
 * What the argument names: an existing directory is an OCI layout, an existing file a docker
 * archive (either with an optional `:<name>` suffix selecting one image), anything else a registry
 * reference. `oci:`, `docker-archive:` and `registry:` prefixes force the reading.
 */
async function targetOf(target: string): Promise<Target> {
  const forced = /^(oci|docker-archive|registry):(.+)$/.exec(target);
  const kind = forced?.[1];
  const rest = forced?.[2] ?? target;
  if (kind === 'registry') return { kind: 'registry', ref: rest };
  const candidates: [string, string | undefined][] = [[rest, undefined]];
  for (let i = rest.indexOf(':'); i > 0; i = rest.indexOf(':', i + 1)) candidates.push([rest.slice(0, i), rest.slice(i + 1)]);
  for (const [path, name] of candidates) {
    const info = await stat(path).catch(() => undefined);
    if (!info || (name !== undefined && name === '')) continue;
    if (info.isDirectory() && kind !== 'docker-archive') {
      if (!(await isLayout(path))) throw usage(`${path} is a directory but not an OCI image layout (no index.json)`);
      return { kind: 'oci-layout', dir: path, ...(name !== undefined ? { refName: name } : {}) };
    }
    if (info.isFile() && kind !== 'oci') return { kind: 'docker-archive', file: path, ...(name !== undefined ? { tag: name } : {}) };
  }
  if (kind !== undefined || /^(\.{0,2}\/|~)/.test(rest) || /\.tar$/.test(rest)) throw usage(`${rest}: no such file or directory`);
  return { kind: 'registry', ref: rest };
}

async function loadDb(path: string): Promise<VulnDb> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw usage(`--db ${path}: no such file or directory`);
  if (info.isDirectory()) return loadOsvDirectory(path);
  return loadOsvZip([{ bytes: await readFile(path), label: path }]);
}

async function openSource(target: Target, platform: Platform, platformExplicit: boolean, access: RegistryAccess, warn: (line: string) => void): Promise<ImageSource> {
  switch (target.kind) {
    case 'registry':
      return openRegistryImage(target.ref, platform, platformExplicit, access, warn);
    case 'oci-layout':
      return openOciLayout(target.dir, target.refName, platform, platformExplicit);
    case 'docker-archive':
      return openDockerArchive(target.file, target.tag, platform, platformExplicit);
  }
}

/** `portcullis image scan <image>`: the image scanner's engines (registry, SBOM, OSV matching) on one image. */
export function imageScanCommand(context: CliContext): Command {
  const command: Command = new Command('scan')
    .description(
      'List the packages of a container image (registry reference, OCI image layout directory or `docker save` archive) and match them ' +
        'against an OSV vulnerability database. Exit code 0: no finding meets --fail-on; 1: at least one does; 2: bad usage ' +
        '(bad reference, unconfigured registry, unknown option); 3: the scan could not be done (auth refused, not found, digest mismatch, ' +
        'corrupt layer, unreadable database) — never a verdict on the image.',
    )
    .argument(
      '<image>',
      'a registry reference (registry.example.com/team/app:1.2, …@sha256:…), an OCI layout directory (DIR or DIR:<ref name>) or a ' +
        'docker save archive (FILE.tar or FILE.tar:<repo:tag>); prefix with registry:, oci: or docker-archive: to force one reading',
    )
    .addOption(new Option('-f, --format <format>', 'report format (cyclonedx: the CycloneDX 1.6 SBOM only, without findings)').choices(IMAGE_REPORT_FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--db <dir|zip>', 'OSV records to match against: a directory of OSV JSON files or an OSV zip export; without it, only the SBOM is reported')
    .option('--platform <os/arch[/variant]>', 'platform to pick from a multi-platform image', 'linux/amd64')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding has this severity or higher (unknown: any finding; none: never)').choices(FAIL_ON_LEVELS).default('high'),
    )
    .option('--fixable-only', 'only findings with a known fixed version count for --fail-on (all are still reported)')
    .option('--registry-insecure', "reach the reference's registry over plain http (or https without certificate checks); needed for localhost/IP registries")
    .option('--registry-url <url>', "origin of the reference's registry API when it is not https://<registry> (e.g. a mirror)")
    .option('--registry-auth-file <file>', 'docker config.json to take registry credentials from (auths entries; credential helpers are not run)')
    .option('--progress', 'print layer progress to stderr (default: when stderr is a terminal)')
    .addHelpText(
      'after',
      '\nExit codes:\n  0  no finding meets --fail-on (or no --db: nothing was matched)\n  1  a finding meets --fail-on\n  2  bad usage\n' +
        '  3  the image could not be scanned (the error names the reason code, e.g. [AUTH_FAILED], [NOT_FOUND], [DIGEST_MISMATCH])\n' +
        '\nEnvironment:\n  PORTCULLIS_REGISTRY_USERNAME, PORTCULLIS_REGISTRY_PASSWORD  credentials for the registry (win over --registry-auth-file; never printed)\n',
    )
    .action(async (image: string, options: ImageScanOptions) => {
      const warn = (line: string) => context.stderr.write(`portcullis: ${line}\n`);
      try {
        let platform: Platform;
        try {
          platform = parsePlatform(options.platform);
        } catch {
          throw usage(`--platform ${options.platform} is not os/arch[/variant]`);
        }
        const platformExplicit = command.getOptionValueSource('platform') !== 'default';
        if (options.format === 'sarif' && options.db === undefined) throw usage('--format sarif needs --db: without a database there are no results to report');
        const target = await targetOf(image);
        const policy: ImagePolicy = { failOn: options.failOn, fixableOnly: options.fixableOnly === true };
        const access: RegistryAccess = {
          insecure: options.registryInsecure === true,
          url: options.registryUrl,
          authFile: options.registryAuthFile,
          username: context.env['PORTCULLIS_REGISTRY_USERNAME'] || undefined,
          password: context.env['PORTCULLIS_REGISTRY_PASSWORD'] || undefined,
        };
        const db = options.db === undefined ? undefined : await loadDb(options.db);
        if (db && db.report.issueCount > 0) warn(`--db: ${db.report.issueCount} records or ranges were rejected and are not matched`);
        const showProgress = options.progress ?? (context.stderr as { isTTY?: boolean }).isTTY === true;
        const source = await openSource(target, platform, platformExplicit, access, warn);
        let result;
        try {
          result = await scanImage(source, db, showProgress ? (line) => context.stderr.write(`${line}\n`) : undefined);
        } finally {
          await source.close();
        }
        const rendered = renderImageReport(result, options.format, policy, new Date());
        if (options.output) await writeFile(options.output, rendered);
        else context.stdout.write(rendered);

        const { match } = result;
        const what = `${result.image.reference} ${result.image.digest} (${result.image.platform}): ${result.sbom.packages.length} packages`;
        if (!match) {
          warn(`${what}; no --db given: SBOM only, no vulnerability matching was done (this is not a clean result)`);
          return;
        }
        const failing = failingFindings(result, policy);
        warn(
          `${what}, ${match.findings.length} findings, ${failing.length} meeting --fail-on ${policy.failOn}${policy.fixableOnly ? ' --fixable-only' : ''}, ` +
            `${match.skipped.length} packages not checked; database ${match.dbVersion.slice(0, 19)}`,
        );
        if (options.format === 'cyclonedx' && match.findings.length > 0) warn('the CycloneDX output is the SBOM only; use --format json or sarif for the findings');
        if (failing.length > 0) throw new CommanderError(1, 'portcullis.findings', '');
      } catch (error) {
        throw asCliError(error);
      }
    });
  return command;
}

/** `portcullis image …` */
export function imageCommand(context: CliContext): Command {
  return new Command('image').description('Container images: scan for packages and known vulnerabilities.').addCommand(imageScanCommand(context));
}
