import { type ScanCompletedEvent, type ScanFailedEvent, ScanResults as ScanResultsTopic } from '@portcullis/contracts';
import { type EventPublisher } from '@portcullis/messaging';
import { type ScanOrigin, type ScanResults } from '../scan/scan-image.ports.js';

/**
 * Publishes scan outcomes with an id derived from the registry event, so a redelivered event that
 * is answered again re-publishes the same fact and consumers drop the repeat.
 */
export class KafkaScanResults implements ScanResults {
  constructor(private readonly publisher: Pick<EventPublisher, 'publish'>) {}

  async completed(body: ScanCompletedEvent, origin: ScanOrigin): Promise<void> {
    await this.publisher.publish(ScanResultsTopic, body, metadata(origin, 'completed'));
  }

  async failed(body: ScanFailedEvent, origin: ScanOrigin): Promise<void> {
    await this.publisher.publish(ScanResultsTopic, body, metadata(origin, 'failed'));
  }
}

function metadata(origin: ScanOrigin, outcome: string) {
  return { id: `${origin.eventId}:scan-${outcome}`, ...(origin.deliveryId ? { deliveryId: origin.deliveryId } : {}) };
}
