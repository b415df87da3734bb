import {
  constantTimeEqual,
  type DeliveryContext,
  type DeliveryId,
  deliveryIdOf,
  eventTypeOf,
  type NormaliseOutcome,
  normaliserFor,
  type PayloadIssue,
  type SignedRequest,
  verifyBitbucketCloudSignature,
  verifyBitbucketDataCenterSignature,
  verifyCiBuild,
  verifyGiteaSignature,
  verifyGithubSignature,
  verifyGitlabToken,
  verifyHarborAuthHeader,
  type VerificationResult,
  type WebhookHeaders,
} from '@portcullis/webhooks';
import { isGitProvider, type SourceProvider, type WebhookSource } from '../sources/webhook-source.js';
import { type IntakeEvent } from './intake.ports.js';

/** What a provider's payload turned into (the engine's NormaliseOutcome, widened to registry events). */
export type IntakeNormaliseOutcome =
  /** At least one event; a delivery carrying several changes (refs, envelope entries) yields several. */
  | { readonly kind: 'events'; readonly events: readonly IntakeEvent[] }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'ping' }
  | { readonly kind: 'invalid'; readonly issues: readonly PayloadIssue[] };

/** Credentials of one source as the verifiers need them. */
export interface SourceCredentials {
  readonly source: WebhookSource;
  /** CI sources only: bearer tokens (their `secrets` are the HMAC secrets). */
  readonly bearerTokens: readonly string[];
}

export interface VerifyContext {
  readonly nowMs: number;
  /** The request's query string parameters (Docker Hub can only authenticate through the URL). */
  readonly query: Readonly<Record<string, string | undefined>>;
}

/** How intake handles one provider: accepted media types, authentication, ids and normalisation. */
export interface ProviderHandler {
  /** Media types (without parameters) the provider sends. */
  readonly contentTypes: readonly string[];
  verify(request: SignedRequest, credentials: SourceCredentials, context: VerifyContext): VerificationResult;
  /** The delivery id from a header, or only when `rawBody` is given, the body hash. */
  deliveryId(headers: WebhookHeaders, rawBody: Uint8Array): DeliveryId;
  /** The delivery id if the provider sends one in a header (usable before the body is read). */
  headerDeliveryId(headers: WebhookHeaders): string | undefined;
  eventType(headers: WebhookHeaders): string | undefined;
  normalise(eventType: string | undefined, payload: unknown, delivery: DeliveryContext, source: WebhookSource): IntakeNormaliseOutcome;
}

const JSON_ONLY = ['application/json'] as const;

/** The engine's outcome in intake's terms: `event` and `events` both become a list to publish. */
export function fromEngine(outcome: NormaliseOutcome): IntakeNormaliseOutcome {
  switch (outcome.kind) {
    case 'event':
      return { kind: 'events', events: [{ topic: outcome.topic, body: outcome.body } as IntakeEvent] };
    case 'events':
      return outcome.items.length > 0 ? { kind: 'events', events: outcome.items } : { kind: 'ignored', reason: 'no-changes' };
    default:
      return outcome;
  }
}

function handler(kind: SourceProvider, parts: Pick<ProviderHandler, 'verify'> & { contentTypes?: readonly string[] }): ProviderHandler {
  const EMPTY = new Uint8Array(0);
  const normaliser = normaliserFor(kind);
  return {
    contentTypes: parts.contentTypes ?? JSON_ONLY,
    verify: parts.verify,
    // Registry and CI events name the configured registry host, never one from the payload.
    normalise: (type, payload, delivery, source) =>
      fromEngine(normaliser(type, payload, isGitProvider(source.provider) ? delivery : { ...delivery, registryId: source.baseUrl.host.toLowerCase() })),
    deliveryId: (headers, rawBody) => deliveryIdOf(kind, headers, rawBody),
    headerDeliveryId: (headers) => {
      const id = deliveryIdOf(kind, headers, EMPTY);
      return id.from === 'header' ? id.id : undefined;
    },
    eventType: (headers) => eventTypeOf(kind, headers),
  };
}

/** Docker Hub cannot sign or add headers: its webhook URL carries `?token=<secret>`. */
function verifyQueryToken(query: VerifyContext['query'], secrets: readonly string[]): VerificationResult {
  const token = query['token'];
  if (token === undefined || token === '') return { ok: false, reason: 'missing' };
  // Every secret is compared, so timing does not tell which one matched.
  let matched = false;
  for (const secret of secrets) matched = constantTimeEqual(token, secret) || matched;
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}

/** One handler per configured provider kind. */
export const PROVIDER_HANDLERS: Readonly<Record<SourceProvider, ProviderHandler>> = {
  github: handler('github', {
    // GitHub can be configured to send `application/x-www-form-urlencoded` with a `payload` field.
    contentTypes: ['application/json', 'application/x-www-form-urlencoded'],
    verify: (request, { source }) => verifyGithubSignature(request, source.secrets),
  }),
  gitlab: handler('gitlab', {
    verify: (request, { source }) => verifyGitlabToken(request, source.secrets),
  }),
  gitea: handler('gitea', {
    verify: (request, { source }) => verifyGiteaSignature(request, source.secrets),
  }),
  bitbucket: handler('bitbucket', {
    verify: (request, { source }) => verifyBitbucketCloudSignature(request, source.secrets),
  }),
  'bitbucket-dc': handler('bitbucket-dc', {
    verify: (request, { source }) => verifyBitbucketDataCenterSignature(request, source.secrets),
  }),
  harbor: handler('harbor', {
    verify: (request, { source }) => verifyHarborAuthHeader(request, source.secrets),
  }),
  distribution: handler('distribution', {
    // The registry's notification envelope media type; some deployments proxy it as plain JSON.
    contentTypes: ['application/vnd.docker.distribution.events.v1+json', 'application/json'],
    // Notification endpoints are configured with static headers; we expect `Authorization`.
    verify: (request, { source }) => verifyHarborAuthHeader(request, source.secrets),
  }),
  dockerhub: handler('dockerhub', {
    verify: (_request, { source }, context) => verifyQueryToken(context.query, source.secrets),
  }),
  ci: handler('ci', {
    verify: (request, { source, bearerTokens }, context) =>
      verifyCiBuild(request, { hmacSecrets: source.secrets, bearerTokens }, { nowMs: context.nowMs }),
  }),
};
