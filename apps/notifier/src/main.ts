import { baseServiceConfig, bootstrapService } from '@portcullis/service-kit';
import { NotifierModule } from './app.module.js';

await bootstrapService({
  name: 'notifier',
  config: baseServiceConfig(8084),
  module: () => NotifierModule,
  consumer: {},
  env: process.env,
});
