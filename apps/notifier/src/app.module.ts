import { Module } from '@nestjs/common';
import { ReleaseUpdatesEventsController } from './release-updates.events.controller.js';

/** Health, metrics, Kafka and Redis come from the global ServiceKitModule; this adds the handlers. */
@Module({ controllers: [ReleaseUpdatesEventsController] })
export class NotifierModule {}
