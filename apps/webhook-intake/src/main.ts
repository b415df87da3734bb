import { baseServiceConfig, bootstrapService } from '@portcullis/service-kit';
import { WebhookIntakeModule } from './app.module.js';

await bootstrapService({
  name: 'webhook-intake',
  config: baseServiceConfig(8080),
  module: () => WebhookIntakeModule,
  env: process.env,
});
