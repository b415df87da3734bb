export { startFakeSlack } from './fake-slack.js';
export type {
  FakeSlack,
  FakeSlackChannel,
  FakeSlackEphemeral,
  FakeSlackMessage,
  FakeSlackOptions,
  SlackChannelBehaviour,
  SlackInjectedFailure,
  SlackMessageVersion,
  SlackWebhookInjectedFailure,
} from './fake-slack.js';
export { BLOCK_KIT_LIMITS, blockKitErrors } from './slack-block-kit.js';
export { escapeHtml, renderSlackHtml, renderSlackText } from './slack-render.js';
export type { SlackHtmlOptions, SlackRenderOptions, SlackTextOptions, SlackTranscriptSource } from './slack-render.js';
export { parseMrkdwn, unescapeMrkdwn } from './slack-mrkdwn.js';
export type { MrkdwnNode } from './slack-mrkdwn.js';
export { interactionPayload, signedInteraction, signSlackRequest } from './slack-interaction.js';
export type { InteractionAction, InteractionInput, SlackInteraction, SlackSignatureHeaders } from './slack-interaction.js';
export { startFakeGitHubStatuses } from './fake-github-statuses.js';
export type { FakeGitHubStatus, FakeGitHubStatuses, FakeGitHubStatusesOptions, GitHubInjectedFailure, GitHubStatusState } from './fake-github-statuses.js';
export { startFakeGitLabStatuses } from './fake-gitlab-statuses.js';
export type {
  FakeGitLabProject,
  FakeGitLabStatus,
  FakeGitLabStatuses,
  FakeGitLabStatusesOptions,
  GitLabInjectedFailure,
  GitLabStatusState,
  GitLabStoredState,
} from './fake-gitlab-statuses.js';
export type { RecordedCall } from './http-fake.js';
