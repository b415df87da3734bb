export * from './webhooks/index.js';
export * from './scenarios/index.js';
export * from './harness/index.js';
export * from './load/index.js';
export * from './chaos/index.js';
