import { NotifyConfigError } from '@portcullis/notify';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/**
 * Reads a YAML or JSON file a configuration variable names, at boot. Unreadable or unparsable
 * files stop the service with the variable's name; the content is never echoed.
 */
export function readConfigFile(variable: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new NotifyConfigError('INVALID_ROUTING_CONFIG', `${variable} ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return parse(text, { maxAliasCount: 100 }) as unknown;
  } catch {
    throw new NotifyConfigError('INVALID_ROUTING_CONFIG', `${variable} ${path} is not valid YAML or JSON`);
  }
}
