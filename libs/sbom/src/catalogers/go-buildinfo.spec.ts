import { describe, expect, it } from 'vitest';
import { GoBuildInfoScanner, goPackagesOf, parseBuildInfoBlob } from './go-buildinfo.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

/** A Go ≥ 1.18 build info blob, laid out as cmd/link writes it. */
function buildInfoBlob(goVersion: string, modInfo: string, flags = 0x2): Buffer {
  const header = Buffer.alloc(32);
  MAGIC.copy(header);
  header[14] = 8;
  header[15] = flags;
  const mod = Buffer.concat([SENTINEL_START, Buffer.from(modInfo, 'latin1'), SENTINEL_END]);
  return Buffer.concat([header, uvarint(goVersion.length), Buffer.from(goVersion, 'latin1'), uvarint(mod.length), mod]);
}

/** An "ELF file" with the blob at a 16-aligned offset and an unaligned decoy magic before it. */
function fakeElf(blob: Buffer, at: number): Buffer {
  const file = Buffer.alloc(at + blob.length + 5000, 0x90);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46]).copy(file);
  MAGIC.copy(file, 0x103); // not 16-aligned: must be ignored
  blob.copy(file, at);
  return file;
}

function scan(file: Buffer, chunkSize: number, maxScanBytes = 1 << 30): ReturnType<GoBuildInfoScanner['result']> {
  const sut = new GoBuildInfoScanner(maxScanBytes);
  for (let i = 0; i < file.length && !sut.done; i += chunkSize) sut.push(file.subarray(i, i + chunkSize));
  return sut.result();
}

const MOD_INFO = [
  'path\texample.com/app/cmd/server',
  'mod\texample.com/app\tv1.4.0\th1:abc=',
  'dep\tgolang.org/x/net\tv0.17.0\th1:def=',
  'dep\tgithub.com/old/lib\tv1.0.0\th1:ghi=',
  '=>\tgithub.com/fork/lib\tv1.0.1\th1:jkl=',
  'build\t-compiler=gc',
  '',
].join('\n');

describe('Go build info', () => {
  it('finds an aligned build info blob across chunk boundaries and reads module, deps and replacements', () => {
    // 0x2ff0 + 7-byte chunks: the magic straddles chunks.
    const result = scan(fakeElf(buildInfoBlob('go1.21.5', MOD_INFO), 0x2ff0), 7);
    expect(result).toEqual({ kind: 'found', goVersion: 'go1.21.5', modInfo: MOD_INFO });
    if (result?.kind !== 'found') throw new Error('not found');
    expect(goPackagesOf(result.goVersion, result.modInfo)).toEqual([
      { type: 'golang', name: 'example.com/app', version: 'v1.4.0' },
      { type: 'golang', name: 'golang.org/x/net', version: 'v0.17.0' },
      { type: 'golang', name: 'github.com/fork/lib', version: 'v1.0.1' },
      { type: 'golang', name: 'stdlib', version: '1.21.5' },
    ]);
  });

  it.each([1, 5, 13, 14, 15, 16, 1000, 4096])('finds it whatever the chunk size (%i bytes)', (chunkSize) => {
    for (const at of [0x1000, 0x1ff0, 0x2000 + 16 * 7]) {
      expect(scan(fakeElf(buildInfoBlob('go1.22.0', MOD_INFO), at), chunkSize)).toMatchObject({ kind: 'found', goVersion: 'go1.22.0' });
    }
  });

  it('ignores files that are not ELF, and magic that is not 16-byte aligned', () => {
    const blob = buildInfoBlob('go1.21.5', MOD_INFO);
    const notElf = fakeElf(blob, 0x1000);
    notElf[0] = 0x23; // "#!/bin/sh…"
    expect(scan(notElf, 4096)).toBeUndefined();
    expect(scan(fakeElf(Buffer.alloc(0), 0x1000), 4096)).toBeUndefined();
  });

  it('stops searching after the scan budget', () => {
    expect(scan(fakeElf(buildInfoBlob('go1.21.5', MOD_INFO), 0x10000), 4096, 0x8000)).toBeUndefined();
  });

  it('reports the pre-1.18 layout as unsupported instead of guessing', () => {
    expect(parseBuildInfoBlob(buildInfoBlob('go1.16', MOD_INFO, 0))).toEqual({ kind: 'unsupported', reason: expect.stringContaining('pre-1.18') });
  });

  it('reports a cut-off blob as unsupported', () => {
    const blob = buildInfoBlob('go1.21.5', MOD_INFO);
    expect(parseBuildInfoBlob(blob.subarray(0, 60))?.kind).toBe('unsupported');
  });
});
