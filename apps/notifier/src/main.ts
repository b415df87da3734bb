import { bootstrapService } from '@portcullis/service-kit';
import { NotifierModule } from './app.module.js';
import { notifierConfig } from './notifier.config.js';

await bootstrapService({
  name: 'notifier',
  config: notifierConfig,
  module: (kit) => NotifierModule.forRoot(kit),
  consumer: {},
  env: process.env,
});
