import { Module } from '@nestjs/common';

/**
 * Empty on purpose: the service runs with the shared probes, metrics and a connected publisher
 * from ServiceKitModule. The webhook routes (signature verification, dedupe, normalisation,
 * publish-before-202) arrive with their own issues.
 */
@Module({})
export class WebhookIntakeModule {}
