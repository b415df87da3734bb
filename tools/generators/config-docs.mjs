#!/usr/bin/env node
// Writes docs/configuration.md from the config schemas of the five services and the CLI.
//   npx tsc -b tsconfig.build.json && node tools/generators/config-docs.mjs [--check]
// Runs on the build output, like events-docs.mjs: Node does not map the `.js` specifiers of
// relative imports back to `.ts` sources. Each app exports its schema from `src/<app>.config.ts`
// so it can be imported here without booting the service. --check writes nothing and exits 1
// when the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIG_DOC_PATH, CONFIG_DOCS_COMMAND, renderConfigReference } from '@portcullis/service-kit';
import { webhookIntakeConfig } from '../../apps/webhook-intake/dist/webhook-intake.config.js';
import { secretAuditorConfig } from '../../apps/secret-auditor/dist/secret-auditor.config.js';
import { imageScannerConfig } from '../../apps/image-scanner/dist/image-scanner.config.js';
import { deployOrchestratorConfig } from '../../apps/deploy-orchestrator/dist/deploy-orchestrator.config.js';
import { notifierConfig } from '../../apps/notifier/dist/notifier.config.js';
import { cliConfig } from '../../apps/cli/dist/cli.context.js';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
const root = resolve(import.meta.dirname, '../..');

const content = renderConfigReference([
  {
    title: 'webhook-intake',
    intro: 'Receives signed webhooks from git providers and registries over HTTP and publishes them to `scm.events` and `registry.events`.',
    schema: webhookIntakeConfig,
  },
  { title: 'secret-auditor', intro: 'Audits pushed commits for plaintext secrets (`scm.events` → `audit.results`).', schema: secretAuditorConfig },
  { title: 'image-scanner', intro: 'Scans built images for vulnerable packages (`registry.events` → `scan.results`).', schema: imageScannerConfig },
  {
    title: 'deploy-orchestrator',
    intro: 'Gates releases on audit and scan results, deploys them and rolls back (→ `deploy.events`).',
    schema: deployOrchestratorConfig,
  },
  { title: 'notifier', intro: 'Tells the owning team on Slack and on the commit.', schema: notifierConfig },
  {
    title: '`portcullis` CLI',
    intro:
      'The operator command line (`apps/cli`). It reads its environment only when a command talks to Kafka, so `--help` needs none; its client id defaults to `portcullis-cli`.',
    schema: cliConfig,
    service: false,
  },
]);

let existing;
try {
  existing = readFileSync(join(root, CONFIG_DOC_PATH), 'utf8');
} catch {
  existing = undefined;
}

if (values.check) {
  if (existing !== content) {
    console.error(`stale: ${CONFIG_DOC_PATH}`);
    console.error(`run: ${CONFIG_DOCS_COMMAND}`);
    process.exit(1);
  }
  console.log(`configuration docs up to date (${CONFIG_DOC_PATH})`);
} else {
  writeFileSync(join(root, CONFIG_DOC_PATH), content);
  console.log(`wrote ${CONFIG_DOC_PATH} (${existing === content ? 'unchanged' : 'changed'})`);
}
