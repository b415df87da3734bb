import { bootstrapService } from '@portcullis/service-kit';
import { ImageScannerModule } from './app.module.js';
import { imageScannerConfig } from './image-scanner.config.js';

await bootstrapService({
  name: 'image-scanner',
  config: imageScannerConfig,
  module: () => ImageScannerModule,
  consumer: {},
  env: process.env,
});
