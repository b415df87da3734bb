import { baseServiceConfig, bootstrapService } from '@portcullis/service-kit';
import { ImageScannerModule } from './app.module.js';

await bootstrapService({
  name: 'image-scanner',
  config: baseServiceConfig(8082),
  module: () => ImageScannerModule,
  consumer: {},
  env: process.env,
});
