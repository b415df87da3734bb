import { PortcullisError } from '@portcullis/errors';

/** A producer tried to publish a body its topic does not accept. Always a bug: never retried. */
export class EventEncodingError extends PortcullisError<'INVALID_BODY' | 'TOO_LARGE'> {}
