import { type LogScrubber, type Logger, type Registry } from '@portcullis/observability';
import { type BaseServiceConfig } from './service-config.js';

/** What bootstrap has built before Nest starts, handed to the service's module factory. */
export interface ServiceKit<C extends BaseServiceConfig = BaseServiceConfig> {
  /** The service's name (`secret-auditor`): logs, metrics, CloudEvents source, consumer group. */
  readonly name: string;
  /** The loaded configuration. */
  readonly config: C;
  /** The process logger (JSON lines, secrets scrubbed). */
  readonly logger: Logger;
  /** The process logger's scrubber: add secrets a module loads itself (`scrubber.add([...])`). */
  readonly scrubber: LogScrubber;
  /** The service's metrics registry, served on /metrics. */
  readonly metrics: Registry;
}
