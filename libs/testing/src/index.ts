export { serviceEnv, stackEnv, uniquePrefix } from './stack-env.js';
export type { StackEnv } from './stack-env.js';
export { expectEventually, sleep } from './eventually.js';
