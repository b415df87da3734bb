import { describe, expect, it } from 'vitest';
import { TEST_KEY, tokenGenerator } from '../../test/tokens.js';
import { isPlaceholder } from './placeholders.js';
import { fingerprintOf, maskSecret, previewOf } from './redaction.js';
import { shannonEntropy } from './entropy.js';

const { rand } = tokenGenerator(3);

describe('redaction', () => {
  it('fingerprints with HMAC-SHA256 under the key (not a plain hash a guess can be checked against)', () => {
    const fp = fingerprintOf(TEST_KEY, 'hunter2');
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(fp).toBe(fingerprintOf(TEST_KEY, 'hunter2'));
    expect(fp).not.toBe(fingerprintOf(Buffer.alloc(32, 1), 'hunter2'));
  });

  it('shows a public prefix only when at least 16 characters stay hidden', () => {
    expect(maskSecret(`ghp_${rand(36)}`, 4)).toBe('ghp_***');
    expect(maskSecret(`ghp_${rand(10)}`, 4)).toBe('***');
    expect(maskSecret('short', 0)).toBe('***');
  });

  it('keeps previews on one line, at most 120 characters, without the secret', () => {
    const secret = rand(30);
    const preview = previewOf(`${'k'.repeat(200)}\n key = "`, secret, `"\n${'v'.repeat(200)}`, 0);
    expect(preview.length).toBeLessThanOrEqual(120);
    expect(preview).not.toMatch(/[\n\r]/);
    expect(preview).toContain('key = "***"');
    expect(preview).not.toContain(secret);
  });

  it('falls back to the mask alone when the context repeats the secret', () => {
    const secret = rand(20);
    expect(previewOf(`${secret}:`, secret, '', 0)).toBe('***');
  });
});

describe('placeholders and entropy', () => {
  it.each([
    '${DB_PASSWORD}', '{{ .Values.password }}', '<your-token>', 'changeme', 'CHANGEME', 'your_api_key_here', 'xxxxxxxxxxxxxxxx',
    'process.env.TOKEN', '%(password)s', '$PASSWORD', 'AKIAIOSFODNN7EXAMPLE', 'abcdefghijklmnop', '0123456789abcdef',
  ])('%s is a placeholder', (value) => expect(isPlaceholder(value)).toBe(true));

  it('a random token is not a placeholder', () => {
    for (let i = 0; i < 50; i++) expect(isPlaceholder(rand(40))).toBe(false);
  });

  it('computes Shannon entropy in bits per character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('aabbccdd€€')).toBeCloseTo(Math.log2(5));
  });
});
