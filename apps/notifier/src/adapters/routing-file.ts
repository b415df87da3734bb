import { parseRoutingConfig, type NotifyRoutingConfig } from '@portcullis/notify';
import { readConfigFile } from './config-file.js';

/**
 * Reads and validates the routing file (YAML, or JSON, which YAML reads too) once at boot.
 * Errors name the file and the bad paths, never a value from it.
 */
export function loadRoutingFile(path: string): NotifyRoutingConfig {
  return parseRoutingConfig(readConfigFile('NOTIFY_ROUTING_FILE', path));
}
