/**
 * kafkajs 2.2.4's request queue schedules `setTimeout` with a negative delay, and Node ≥ 23 prints
 * a `TimeoutNegativeWarning` for it on every connection (harmless: Node clamps the delay to 1 ms).
 * Processes that use Kafka call this once at start so real warnings stay visible. It keeps every
 * other warning, and this one when it does not come from kafkajs.
 */
export function silenceKafkajsTimeoutWarning(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error) => {
    if (warning.name === 'TimeoutNegativeWarning' && warning.stack?.includes('kafkajs')) return;
    for (const print of printers) print(warning);
  });
}
