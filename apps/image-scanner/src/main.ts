import { bootstrapService } from '@portcullis/service-kit';
import { ImageScannerModule } from './app.module.js';
import { imageScannerConfig } from './image-scanner.config.js';
import { readTextFile } from './registries/registries-file.loader.js';

await bootstrapService({
  name: 'image-scanner',
  config: imageScannerConfig,
  // The registries file names the environment variables and files its credentials come from.
  module: (kit) => ImageScannerModule.forRoot(kit, { env: process.env, readFile: readTextFile }),
  consumer: {},
  env: process.env,
});
