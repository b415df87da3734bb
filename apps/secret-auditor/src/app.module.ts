import { Module } from '@nestjs/common';
import { ScmEventsController } from './scm.events.controller.js';

/** Health, metrics, Kafka and Redis come from the global ServiceKitModule; this adds the handlers. */
@Module({ controllers: [ScmEventsController] })
export class SecretAuditorModule {}
