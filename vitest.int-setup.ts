import { silenceKafkajsTimeoutWarning } from '@portcullis/messaging';

// kafkajs 2.2.4 prints a harmless TimeoutNegativeWarning per connection on Node ≥ 23; keep test
// output for real warnings.
silenceKafkajsTimeoutWarning();
