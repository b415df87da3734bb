import { baseServiceConfig, bootstrapService } from '@portcullis/service-kit';
import { SecretAuditorModule } from './app.module.js';

await bootstrapService({
  name: 'secret-auditor',
  config: baseServiceConfig(8081),
  module: () => SecretAuditorModule,
  consumer: {},
  env: process.env,
});
