import { baseServiceConfig, bootstrapService } from '@portcullis/service-kit';
import { DeployOrchestratorModule } from './app.module.js';

await bootstrapService({
  name: 'deploy-orchestrator',
  config: baseServiceConfig(8083),
  module: () => DeployOrchestratorModule,
  consumer: {},
  env: process.env,
});
