import { type WebhookHeaders } from '../http/headers.js';

/** What every verifier needs: the headers and the body exactly as received, before any parsing. */
export interface SignedRequest {
  readonly headers: WebhookHeaders;
  /** The raw body bytes. Signatures cover these bytes, never re-serialised JSON. */
  readonly rawBody: Uint8Array;
}
