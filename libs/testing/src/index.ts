export { serviceEnv, stackEnv, uniquePrefix } from './stack-env.js';
export type { StackEnv } from './stack-env.js';
export { expectEventually, sleep } from './eventually.js';
export { createRemoteRepo, gitServerEnv, testHost, uniqueOwner, WorkTree, ZERO } from './git-server.js';
export type { GitServerEnv, TestGitHost } from './git-server.js';
export { REPO_ROOT, startServiceProcess, waitUntilReady } from './service-process.js';
export type { LogLine, ServiceProcess, StartServiceOptions } from './service-process.js';
export * from './oci-images.js';
