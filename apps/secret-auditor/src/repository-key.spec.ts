import { describe, expect, it } from 'vitest';
import { parseRepositoryKey } from './repository-key.js';

describe('parseRepositoryKey', () => {
  it('parses provider/owner/name, with GitLab subgroups in the owner', () => {
    expect(parseRepositoryKey('github/acme/shop')).toEqual({ provider: 'github', owner: 'acme', name: 'shop' });
    expect(parseRepositoryKey('gitlab/acme/platform/ledger')).toEqual({ provider: 'gitlab', owner: 'acme/platform', name: 'ledger' });
  });

  it.each(['acme/shop', 'svn/acme/shop', 'github//shop', 'github/acme/', 'github/acme/sh op', ''])('rejects %j', (key) => {
    expect(parseRepositoryKey(key)).toBeUndefined();
  });
});
