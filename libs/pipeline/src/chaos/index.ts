export {
  CHAOS_SCENARIOS,
  type ChaosContext,
  type ChaosResult,
  type ChaosScenario,
  type ChaosTimings,
  describeScenario,
  FAST_CHAOS_SCENARIOS,
  formatChaosResult,
  runChaosScenario,
  runDeadLetters,
} from './chaos-scenarios.js';
export { type ChaosPipeline, type ChaosPipelineOptions, startChaosPipeline } from './chaos-pipeline.js';
export { consumerLag, type GroupLag, totalLag } from './consumer-lag.js';
export { type ChaosFacts, checkInvariants, type ExpectedDeadLetter, type InvariantReport, isOutcome, type ListedDeadLetter, outcomesOf, type Violation } from './invariants.js';
export { POISON_KINDS, POISONED_TOPICS, type PoisonKind, type PoisonMessage, poisonMessages, poisonOf, sendPoison } from './poison.js';
export { CHAOS_ENVIRONMENT, CHAOS_LOAD_PROFILES, type ChaosLoadDelivery, type ChaosLoadProfile, type ChaosLoadRelease, SteadyLoad, type SteadyLoadOptions } from './steady-load.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
