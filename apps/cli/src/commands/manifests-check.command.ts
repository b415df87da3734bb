import {
  checkManifestPolicy,
  defaultKustomizeBinary,
  KustomizeRenderer,
  ManifestError,
  ManifestPolicy,
  parseManifests,
  type ManifestProblem,
  type ManifestViolation,
} from '@portcullis/manifests';
import { Command, CommanderError, Option } from 'commander';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type CliContext } from '../cli.context.js';

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface CheckOptions {
  policy?: string;
  kustomize?: boolean;
  kustomizeBin?: string;
  namespace: string;
  format: Format;
}

/** What `portcullis manifests check` found: the gate's verdict on one path. */
export interface ManifestCheckReport {
  /** Objects checked (after rendering and parsing). */
  objects: number;
  /** Documents that could not be read as Kubernetes objects; the orchestrator refuses to deploy them too. */
  problems: ManifestProblem[];
  /** Every place a `deny` rule is broken. */
  violations: ManifestViolation[];
}

/** Directories never read: version control and dependency trees are not manifests. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);
/** The bound parseManifests applies, applied while reading too (so a huge tree is not read whole). */
const MAX_TOTAL_BYTES = 8 * 1024 * 1024;
const YAML_FILE = /\.ya?ml$/i;

/** Bad usage: exit code 2, so scripts can tell it from a denial (1). */
const usage = (message: string) => new CommanderError(2, 'portcullis.usage', message);

/**
 * `portcullis manifests check <path>`: the manifest policy gate the deploy-orchestrator runs before
 * it applies a release (libs/manifests), on local files: plain YAML or a kustomization.
 */
export function manifestsCheckCommand(context: CliContext): Command {
  return new Command('check')
    .description(
      'Check Kubernetes manifests against the manifest policy gate the deploy-orchestrator applies before every deploy ' +
        '(plaintext Secrets, privileged or root containers, host namespaces and paths, missing limits, mutable image tags, ' +
        'NodePort/LoadBalancer Services, Ingresses without TLS). Every rule denies unless the policy allows it. ' +
        'Exit code 0 when the gate passes, 1 when it denies (each violation is printed with its object, field and rule) ' +
        'or a document is not a valid object, 2 on bad usage, 3 when the manifests could not be rendered.',
    )
    .argument('<path>', 'a YAML file, or a directory whose *.yaml / *.yml files are read recursively (.git and node_modules skipped)')
    .option(
      '-p, --policy <file>',
      'the policy as YAML or JSON: either the rules themselves ({ mutableTags: allow }) or a .portcullis.yaml, whose deploy.policy is used (default: every rule denies)',
    )
    .option('-k, --kustomize', 'render the directory with `kustomize build` first (offline, local references only), as the orchestrator does')
    .option('--kustomize-bin <path>', 'the kustomize binary (default: PORTCULLIS_KUSTOMIZE_BIN, else .cache/kustomize-<version>/bin/kustomize as tools/kustomize/build.sh builds it)')
    .option('-n, --namespace <name>', 'namespace of objects that name none (the environment namespace, in the orchestrator)', 'default')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  portcullis manifests check deploy/k8s\n' +
        '  portcullis manifests check overlays/prod --kustomize --policy .portcullis.yaml\n' +
        '  helm template portcullis deploy/helm/portcullis > rendered.yaml && portcullis manifests check rendered.yaml\n' +
        '\nEnvironment:\n  PORTCULLIS_KUSTOMIZE_BIN  the kustomize binary, when --kustomize-bin is not given\n',
    )
    .action(async (path: string, options: CheckOptions) => {
      const policy = options.policy === undefined ? ManifestPolicy.parse({}) : await readPolicy(options.policy);
      const binary = options.kustomizeBin ?? nonEmpty(context.env['PORTCULLIS_KUSTOMIZE_BIN']) ?? defaultKustomizeBinary();
      const report = await checkManifests(path, { policy, namespace: options.namespace, kustomize: options.kustomize === true, kustomizeBinary: binary });
      context.stdout.write(options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
      const denied = report.violations.length > 0 || report.problems.length > 0;
      context.stderr.write(
        `portcullis: ${report.objects} objects, ${report.violations.length} violations, ${report.problems.length} invalid documents: ` +
          `${denied ? 'the manifest gate denies' : 'the manifest gate passes'}\n`,
      );
      if (denied) throw new CommanderError(1, 'portcullis.denied', '');
    });
}

/** Reads, renders when asked, parses and checks the manifests at `path`. */
export async function checkManifests(
  path: string,
  options: { policy: ManifestPolicy; namespace: string; kustomize: boolean; kustomizeBinary: string },
): Promise<ManifestCheckReport> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) throw usage(`${path} does not exist`);
  if (!info.isFile() && !info.isDirectory()) throw usage(`${path} is neither a file nor a directory`);
  if (options.kustomize && !info.isDirectory()) throw usage('--kustomize needs a directory holding a kustomization');

  let files: Map<string, string>;
  if (info.isFile()) {
    // One file is read whatever its extension (rendered output is often piped into a .txt or no extension).
    if (info.size > MAX_TOTAL_BYTES) throw usage(`${path} is larger than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
    files = new Map([[YAML_FILE.test(path) ? basename(path) : `${basename(path)}.yaml`, await readFile(path, 'utf8')]]);
  } else {
    files = await readTree(path, options.kustomize ? () => true : (name) => YAML_FILE.test(name));
  }

  if (options.kustomize) {
    if (!KustomizeRenderer.isKustomization(files)) throw usage(`${path} holds no kustomization.yaml, kustomization.yml or Kustomization`);
    try {
      const rendered = await new KustomizeRenderer({ binary: options.kustomizeBinary }).render(files);
      files = new Map([['kustomize-build.yaml', rendered]]);
    } catch (error) {
      if (error instanceof ManifestError) throw new CommanderError(3, 'portcullis.render', `[${error.code}] ${error.message}`);
      throw error;
    }
  }

  const { objects, problems } = parseManifests(files);
  const violations = checkManifestPolicy(objects, options.policy, { defaultNamespace: options.namespace });
  return { objects: objects.length, problems, violations };
}

/** The policy file: the rules themselves, or a `.portcullis.yaml` with `deploy.policy`. */
async function readPolicy(file: string): Promise<ManifestPolicy> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw usage(`cannot read the policy file ${file}`);
  });
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 }) ?? {};
  } catch {
    throw usage(`${file} is not valid YAML or JSON`);
  }
  const section = isRecord(document) && 'deploy' in document ? (isRecord(document['deploy']) ? (document['deploy']['policy'] ?? {}) : {}) : document;
  const parsed = ManifestPolicy.safeParse(section);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(policy)'}: ${issue.message}`);
    throw usage(`invalid policy in ${file}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** Regular files below `root` that `wanted` accepts, keyed by their relative POSIX path; symbolic links are not followed. */
async function readTree(root: string, wanted: (name: string) => boolean): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(full);
      } else if (entry.isFile() && wanted(entry.name)) {
        const text = await readFile(full, 'utf8');
        total += text.length;
        if (total > MAX_TOTAL_BYTES) throw usage(`${root} holds more than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB of manifests`);
        files.set(relative(root, full).split(sep).join('/'), text);
      }
    }
  };
  await walk(root);
  return files;
}

/** One line per problem and violation, aligned for reading; the fields a fix needs, never a value. */
function renderText(report: ManifestCheckReport): string {
  const lines: string[] = [];
  for (const p of report.problems) {
    const where = p.file === '' ? '(input)' : `${p.file}${p.document >= 0 ? `#${p.document}` : ''}${p.item === undefined ? '' : `[${p.item}]`}`;
    lines.push(`INVALID  ${where}  ${p.message}`);
  }
  for (const v of report.violations) lines.push(`DENY  ${v.rule}  ${v.object}  ${v.field}  ${v.message}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** `portcullis manifests`: the group holding `check`. */
export function manifestsCommand(context: CliContext): Command {
  return new Command('manifests').description('Kubernetes manifests: the manifest policy gate of the deploy-orchestrator').addCommand(manifestsCheckCommand(context));
}
