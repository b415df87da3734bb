import { Module } from '@nestjs/common';
import { RegistryEventsController } from './registry.events.controller.js';

/** Health, metrics, Kafka and Redis come from the global ServiceKitModule; this adds the handlers. */
@Module({ controllers: [RegistryEventsController] })
export class ImageScannerModule {}
