import { IsoDateTime, OpaqueId } from './scalars.js';

/**
 * Fields every event that intake normalised from a webhook carries. Spread into a body schema so
 * each topic keeps a flat body.
 */
export const deliveryFields = {
  /**
   * The provider's delivery id (`X-GitHub-Delivery`, `X-Gitlab-Event-UUID`, …), or a body hash for
   * providers without one. Intake deduplicates on it; consumers use it as their idempotency key.
   */
  deliveryId: OpaqueId.meta({
    description:
      "The provider's delivery id (`X-GitHub-Delivery`, `X-Gitlab-Event-UUID`, …) or a body hash where the provider has none; intake deduplicates on it.",
  }),
  /** When webhook-intake accepted the delivery (UTC). */
  receivedAt: IsoDateTime.meta({ description: 'When webhook-intake accepted the delivery (UTC).' }),
};
