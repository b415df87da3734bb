export { checkRelease, checkScenario, type ReleaseReport, rootsOfRelease } from './check-release.js';
export { engineFindings, everythingWritten, kafkaTexts, leaksIn, redisTexts, saasTexts, type ScannedText } from './leak-scan.js';
export {
  generateSecrets,
  instanceEnv,
  PIPELINE_FILES,
  PIPELINE_SERVICES,
  type PipelineConfigInput,
  type PipelineRouting,
  type PipelineSecrets,
  type PipelineService,
  SOURCE_IDS,
  writePipelineFiles,
} from './pipeline-config.js';
export { type ObservedEvent, OBSERVED_TOPICS, PipelineObserver, SETTLED_STATES } from './pipeline-observer.js';
export { DeliveryRefusedError, PipelineRepo, pushRelease, type PushedRelease } from './release-driver.js';
export { pipelineScenarioParams, runScenario, type ScenarioReleaseRun, type ScenarioRun } from './run-scenario.js';
export { type Pipeline, startPipeline, type StartPipelineOptions } from './start-pipeline.js';
