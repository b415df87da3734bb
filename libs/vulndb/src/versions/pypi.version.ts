import { compare, valid } from '@renovatebot/pep440';

import type { VersionScheme } from './version-scheme.js';

/**
 * PyPI ordering per PEP 440 (via `@renovatebot/pep440`): epochs, pre (`a`/`b`/`rc`), post and dev
 * releases, local versions (`+ubuntu1` sorts after the public version), normalised spellings
 * (`1.0-alpha1` = `1.0a1`).
 */
export const pypiVersionScheme: VersionScheme<string> = {
  name: 'pep440',
  parse: (version) => (version.length <= 256 && valid(version) !== null ? version : undefined),
  compare,
};
