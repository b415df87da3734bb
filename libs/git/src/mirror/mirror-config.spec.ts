import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorConfig } from './git-mirror-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A bare repository with the mirror settings appended, read back by git itself. */
function readBack(url: string): (key: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-mirror-config-'));
  dirs.push(dir);
  execFileSync('git', ['init', '--quiet', '--bare', dir]);
  appendFileSync(join(dir, 'config'), mirrorConfig(url));
  return (key) => execFileSync('git', ['--git-dir', dir, 'config', '--get', key]).toString().replace(/\n$/, '');
}

describe('mirrorConfig', () => {
  it('gives git the remote URL exactly, reflogs and automatic gc off', () => {
    const get = readBack('https://git.example.com/acme/shop-api.git');
    expect(get('remote.origin.url')).toBe('https://git.example.com/acme/shop-api.git');
    expect(get('core.logAllRefUpdates')).toBe('false');
    expect(get('gc.auto')).toBe('0');
    expect(get('core.bare')).toBe('true');
  });

  it('keeps characters git config would otherwise read as comments or escapes', () => {
    const url = 'https://git.example.com/a#b;c/"quoted"\\back.git';
    expect(readBack(url)('remote.origin.url')).toBe(url);
  });

  it('refuses a URL with a line break, which could add settings of its own', () => {
    expect(() => mirrorConfig('https://git.example.com/x.git\n[core]\n\tsshCommand = evil')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
