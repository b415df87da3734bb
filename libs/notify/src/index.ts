export * from './thread/release-thread.js';
export * from './render/slack-limits.js';
export { atLeast, fillTemplate, releaseTitle, type ReleaseLinks } from './render/format.js';
export * from './render/render-root.js';
export * from './render/render-replies.js';
export * from './render/coalesce.js';
export * from './routing/route-release.js';
export * from './notify.error.js';
