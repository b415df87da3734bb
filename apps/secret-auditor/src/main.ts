import { bootstrapService } from '@portcullis/service-kit';
import { SecretAuditorModule } from './app.module.js';
import { secretAuditorConfig } from './secret-auditor.config.js';

await bootstrapService({
  name: 'secret-auditor',
  config: secretAuditorConfig,
  module: (kit) => SecretAuditorModule.forRoot(kit),
  consumer: {},
  env: process.env,
});
