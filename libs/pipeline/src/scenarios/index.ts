export * from './scenario.model.js';
export { plantedGitHubToken, plantedPassword, randomAlphanumeric } from './planted-secrets.js';
export {
  IMAGE_TAG,
  KWOK_NEVER_READY_LABEL,
  MANIFESTS_DIR,
  PIPELINE_FILE,
  scenarioFiles,
  scenarioNames,
  type ScenarioFiles,
  type ScenarioNames,
} from './scenario-files.js';
export { MINIMIST_CLEAN, MINIMIST_VULNERABLE, scenarioImage } from './scenario-image.js';
export {
  checkDeployPath,
  DeployReason,
  expectedOutcome,
  LEAKED_TOKEN_FINDING,
  MINIMIST_ADVISORY,
  PLAINTEXT_SECRET_FINDING,
  scenarioReleases,
  type ObservedTransition,
  type ScenarioRelease,
} from './scenario-outcome.js';
