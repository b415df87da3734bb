import { bootstrapService } from '@portcullis/service-kit';
import { DeployOrchestratorModule } from './app.module.js';
import { deployOrchestratorConfig } from './deploy-orchestrator.config.js';

await bootstrapService({
  name: 'deploy-orchestrator',
  config: deployOrchestratorConfig,
  module: (kit) => DeployOrchestratorModule.forRoot(kit),
  consumer: {},
  env: process.env,
});
