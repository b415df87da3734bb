import { Module } from '@nestjs/common';
import { ReleaseInputsEventsController } from './release-inputs.events.controller.js';

/** Health, metrics, Kafka and Redis come from the global ServiceKitModule; this adds the handlers. */
@Module({ controllers: [ReleaseInputsEventsController] })
export class DeployOrchestratorModule {}
