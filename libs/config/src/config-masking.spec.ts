import { describe, expect, it } from 'vitest';
import { MASK, maskConfig, sensitiveValues } from './config-masking.js';
import { defineConfig } from './config-schema.js';
import { envVar } from './config-variable.js';
import { loadConfig } from './load-config.js';

const schema = defineConfig({
  name: envVar.string('APP_NAME', { default: 'intake', description: 'name' }),
  apiToken: envVar.string('APP_TOKEN', { sensitive: true, description: 'token' }),
  spare: envVar.string('APP_SPARE_TOKEN', { sensitive: true, optional: true, description: 'spare' }),
  hosts: envVar.list('APP_HOSTS', { default: 'a,b', description: 'hosts' }),
  cache: defineConfig({
    url: envVar.url('APP_CACHE_URL', { sensitive: true, description: 'cache' }),
  }),
});

const env = { APP_TOKEN: 'tok-abcdef', APP_CACHE_URL: 'redis://default:p%40ss-word@cache:6379/0' };

describe('maskConfig', () => {
  it('replaces every set sensitive value, keeps the rest and leaves unset secrets visible as unset', () => {
    const config = loadConfig(schema, env);
    const sut = maskConfig(config);
    expect(sut).toEqual({ name: 'intake', apiToken: MASK, spare: undefined, hosts: ['a', 'b'], cache: { url: MASK } });
    const text = JSON.stringify(sut);
    expect(text).not.toContain('tok-abcdef');
    expect(text).not.toContain('p%40ss-word');
  });

  it('masks a nested group on its own', () => {
    const config = loadConfig(schema, env);
    expect(maskConfig(config.cache)).toEqual({ url: MASK });
  });

  it('refuses an object that did not come from loadConfig rather than guessing', () => {
    const config = loadConfig(schema, env);
    expect(() => maskConfig({ ...config })).toThrow(/loadConfig/);
  });
});

describe('sensitiveValues', () => {
  it('lists every secret, including the password inside a credentialed URL, raw and decoded', () => {
    const sut = sensitiveValues(loadConfig(schema, env));
    expect(sut).toEqual(
      expect.arrayContaining(['tok-abcdef', 'redis://default:p%40ss-word@cache:6379/0', 'p%40ss-word', 'p@ss-word']),
    );
    expect(sut).not.toContain('default');
    expect(sut).not.toContain('intake');
    expect(sut).toHaveLength(4);
  });
});
