/**
 * Headers the messaging library adds when it moves a message to `<topic>.retry` or `<topic>.dlq`.
 * The original `ce_*` headers, key and value travel unchanged beside them, so a replayed message is
 * the message that failed.
 */
export const DELIVERY_HEADERS = {
  /** Attempts made so far, as a decimal integer: `1` after the first failure. */
  attempt: 'pc_attempt',
  /** Times the message was re-scheduled because something was not ready yet; these spend no attempt. */
  reschedules: 'pc_reschedules',
  /** Epoch milliseconds (decimal) before which the retry consumer must not handle the message. */
  notBefore: 'pc_not_before',
  /** Consumer group that failed; retry topics are shared, and other groups skip messages not theirs. */
  consumerGroup: 'pc_consumer_group',
  /** Topic the message was first consumed from. */
  originalTopic: 'pc_original_topic',
  /** Partition it was first consumed from (decimal). */
  originalPartition: 'pc_original_partition',
  /** Offset it had there (decimal string: offsets exceed 2^53). */
  originalOffset: 'pc_original_offset',
  /** Stable code of the last error (`PortcullisError.code`, or why it was dead-lettered). */
  errorCode: 'pc_error_code',
  /** One-line reason of the last error, at most 500 characters, never containing a secret. */
  errorReason: 'pc_error_reason',
  /** RFC 3339 time the message was dead-lettered. */
  failedAt: 'pc_failed_at',
} as const;
export type DeliveryHeader = (typeof DELIVERY_HEADERS)[keyof typeof DELIVERY_HEADERS];

/** Which companion topics carry each header, and its value format, for the generated docs. */
export const DELIVERY_HEADER_DOCS: Record<keyof typeof DELIVERY_HEADERS, { on: readonly ('retry' | 'dlq')[]; description: string }> = {
  attempt: { on: ['retry', 'dlq'], description: 'Attempts made so far, decimal: `1` after the first failure.' },
  reschedules: { on: ['retry'], description: 'Times the message was re-scheduled because something was not ready yet (no attempt spent), decimal.' },
  notBefore: { on: ['retry'], description: 'Epoch milliseconds before which the retry consumer must not handle the message.' },
  consumerGroup: {
    on: ['retry', 'dlq'],
    description: 'Consumer group that failed. One retry topic serves every group of its main topic; a group skips entries of other groups.',
  },
  originalTopic: { on: ['retry', 'dlq'], description: 'Topic the message was first consumed from.' },
  originalPartition: { on: ['retry', 'dlq'], description: 'Partition it was first consumed from, decimal.' },
  originalOffset: { on: ['retry', 'dlq'], description: 'Offset it had there, decimal string (offsets exceed 2^53).' },
  errorCode: {
    on: ['retry', 'dlq'],
    description:
      'Stable code of the last error (`PortcullisError.code`). On the DLQ it says why the message stopped there: `PERMANENT:<code>`, `EXHAUSTED:<code>`, or `INVALID_<decode failure>` for a message that could not be decoded.',
  },
  errorReason: { on: ['retry', 'dlq'], description: 'One-line reason of the last error, at most 500 characters, never a secret.' },
  failedAt: { on: ['dlq'], description: 'RFC 3339 time the message was dead-lettered.' },
};
