import { bootstrapService } from '@portcullis/service-kit';
import { WebhookIntakeModule } from './app.module.js';
import { webhookIntakeConfig } from './webhook-intake.config.js';

await bootstrapService({
  name: 'webhook-intake',
  config: webhookIntakeConfig,
  module: () => WebhookIntakeModule,
  env: process.env,
});
