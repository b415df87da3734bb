import { bootstrapService } from '@portcullis/service-kit';
import { WebhookIntakeModule } from './app.module.js';
import { readTextFile } from './sources/webhook-sources.loader.js';
import { webhookIntakeConfig } from './webhook-intake.config.js';

await bootstrapService({
  name: 'webhook-intake',
  config: webhookIntakeConfig,
  // The sources file names the environment variables and files its secrets come from.
  module: (kit) => WebhookIntakeModule.forRoot(kit, { env: process.env, readFile: readTextFile }),
  env: process.env,
});
