export * from './topics/topic-definition.js';
export * from './topics/registry.js';
export * from './envelope/cloud-event.js';
export * from './events/common/repository.js';
export * from './events/scm-push/scm-push.event.js';
