import {
  EnvironmentName,
  GitProvider,
  ImageDigest,
  IsoDateTime,
  NAME_PATTERN,
  OWNER_PATTERN,
  ReleaseId,
  type RepositoryRef,
  Sha256Hex,
  VulnerabilityId,
} from '@portcullis/contracts';
import { z } from 'zod';

/*
 * What the buttons the renderer draws carry, in one place: the renderer writes these values and the
 * interaction endpoint reads them back with the same schemas, so a button can never say something
 * the endpoint does not understand. A value is only a claim made by a click: the endpoint still
 * verifies Slack's signature and the user's rights before anything is published.
 */

/** `action_id`s of the root message's buttons: the names of the commands they become. */
export const RELEASE_ACTION_IDS = {
  approve: 'release.approve',
  promote: 'release.promote',
  rollback: 'release.rollback',
} as const;
export type ReleaseActionId = (typeof RELEASE_ACTION_IDS)[keyof typeof RELEASE_ACTION_IDS];

/** `action_id` of the audit reply's "False positive" / "Rotated" buttons. */
export const FINDING_TRIAGE_ACTION_ID = 'finding.triage';
/** `action_id` of the scan reply's "Accept for N days" buttons. */
export const VULNERABILITY_ACCEPT_ACTION_ID = 'vulnerability.accept';

/** Every `action_id` Portcullis renders, each the kind of the operator command it becomes. */
export const ACTION_IDS = [
  RELEASE_ACTION_IDS.approve,
  RELEASE_ACTION_IDS.promote,
  RELEASE_ACTION_IDS.rollback,
  FINDING_TRIAGE_ACTION_ID,
  VULNERABILITY_ACCEPT_ACTION_ID,
] as const;
export const ActionId = z.enum(ACTION_IDS);
export type ActionId = z.infer<typeof ActionId>;

/**
 * The action a clicked `action_id` stands for. Slack wants action ids unique within a block, so
 * the message builder qualifies a repeated one (`finding.triage:2`); the qualifier is dropped here.
 */
export function actionOf(actionId: string): ActionId | undefined {
  const colon = actionId.indexOf(':');
  const parsed = ActionId.safeParse(colon === -1 ? actionId : actionId.slice(0, colon));
  return parsed.success ? parsed.data : undefined;
}

/** `provider/owner/name`, as button values carry a repository (the owner may hold `/`, the name never does). */
export const RepositoryKey = z
  .string()
  .max(400)
  .regex(new RegExp(`^(${GitProvider.options.join('|')})/(${OWNER_PATTERN})/(${NAME_PATTERN})$`), 'provider/owner/name');

/** Splits a `RepositoryKey` (`provider/owner/name`) back into its parts. */
export function repositoryOfKey(key: string): RepositoryRef {
  const first = key.indexOf('/');
  const last = key.lastIndexOf('/');
  return { provider: key.slice(0, first) as GitProvider, owner: key.slice(first + 1, last), name: key.slice(last + 1) };
}

/** Value of a release button (approve, promote, roll back): which release, in which environment. */
export const ReleaseActionValue = z.strictObject({
  /** The release the root message is about. */
  releaseId: ReleaseId,
  /** The environment the button acts in. */
  environment: EnvironmentName,
});
export type ReleaseActionValue = z.infer<typeof ReleaseActionValue>;

/** Value of a `finding.triage` button: which finding, where it was seen, and the new state. */
export const FindingTriageValue = z.strictObject({
  /** The finding's fingerprint, as `audit.completed` reported it (never the value). */
  fingerprint: Sha256Hex,
  /** Repository whose audit showed the finding: what the user's rights are checked against. */
  repository: RepositoryKey,
  /** The decision the button records. */
  state: z.enum(['false_positive', 'rotated']),
  /** Release whose thread showed the button, for context. */
  releaseId: ReleaseId.optional(),
});
export type FindingTriageValue = z.infer<typeof FindingTriageValue>;

/** Value of a `vulnerability.accept` button: the advisory, the repository and when the acceptance lapses. */
export const VulnerabilityAcceptValue = z.strictObject({
  /** Advisory id, as the scan reported it. */
  vulnerabilityId: VulnerabilityId,
  /** Repository the acceptance is for: what the user's rights are checked against. */
  repository: RepositoryKey,
  /** When the acceptance lapses, fixed when the button was rendered (scan time + N days). */
  until: IsoDateTime,
  /** The affected package, to keep the acceptance narrow. */
  packageName: z.string().min(1).max(200).optional(),
  /** The scanned image, to keep the acceptance narrow. */
  imageDigest: ImageDigest.optional(),
  /** Release whose thread showed the button, for context. */
  releaseId: ReleaseId.optional(),
});
export type VulnerabilityAcceptValue = z.infer<typeof VulnerabilityAcceptValue>;

/** Parses a button value as JSON against `schema`; `undefined` for anything that is not one we rendered. */
export function decodeJsonValue<S extends z.ZodType>(schema: S, value: string | undefined): z.output<S> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const result = schema.safeParse(parsed);
  return result.success ? result.data : undefined;
}

/** Reads a release button's value back; `undefined` for anything that is not one we rendered. */
export function decodeActionValue(value: string | undefined): ReleaseActionValue | undefined {
  return decodeJsonValue(ReleaseActionValue, value);
}

/**
 * Serialises a value for a button, or `undefined` when it does not pass its own schema (a package
 * name longer than the contract allows, say): a button the endpoint would refuse is better not drawn.
 */
export function encodeActionValue<S extends z.ZodType>(schema: S, value: z.input<S>): string | undefined {
  return schema.safeParse(value).success ? JSON.stringify(value) : undefined;
}
