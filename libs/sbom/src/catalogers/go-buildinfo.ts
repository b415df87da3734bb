import type { PackageRecord } from '../model.js';

/**
 * Go build info, as `debug/buildinfo` reads it (Go ≥ 1.18 layout): a 32-byte header aligned to 16
 * bytes — the magic `\xff Go buildinf:`, pointer size, flags — and, when flag bit 2 is set, two
 * uvarint-length-prefixed strings: the Go version and the module info. The module info is wrapped in
 * 16-byte sentinels and holds tab-separated lines: `path`, `mod`, `dep`, `=>` (replaces the line
 * before), `build`.
 *
 * The header lives in the `.go.buildinfo` section at the start of the data segment, which for a
 * large binary is far from the start and after the section table nobody streams past cheaply; so,
 * like `debug/buildinfo` does for formats it cannot map, the scanner looks for the aligned magic as
 * the bytes stream by, holding at most one 64 KiB window.
 */
const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAG_VERSION_INLINE = 0x2;
/** Build info strings are a few KB; 64 KiB bounds even binaries with thousands of deps. */
const WINDOW = 64 * 1024;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

export type GoBuildInfoResult =
  | { readonly kind: 'found'; readonly goVersion: string; readonly modInfo: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

/** Fed an executable chunk by chunk; never holds more than the window and 15 bytes of carry. */
export class GoBuildInfoScanner {
  private offset = 0;
  private carry = Buffer.alloc(0);
  private window: Buffer[] | undefined;
  private windowBytes = 0;
  private notElf = false;
  private head = Buffer.alloc(0);

  constructor(private readonly maxScanBytes: number) {}

  /** True once nothing more can change the answer: the caller may stop feeding. */
  get done(): boolean {
    return this.notElf || this.windowBytes >= WINDOW || (this.window === undefined && this.offset >= this.maxScanBytes);
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    if (this.offset < ELF_MAGIC.length) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, ELF_MAGIC.length - this.head.length)]);
      if (this.head.length >= ELF_MAGIC.length && !this.head.equals(ELF_MAGIC)) {
        this.notElf = true;
        return;
      }
    }
    if (this.window) {
      this.appendWindow(chunk);
      this.offset += chunk.length;
      return;
    }
    // Only the seam between chunks is copied (carry + a magic's length); the chunk itself is
    // searched in place, so scanning a 100 MB binary copies a few KB.
    if (this.carry.length > 0) {
      const seam = Buffer.concat([this.carry, chunk.subarray(0, MAGIC.length - 1)]);
      const at = this.findAligned(seam, this.offset - this.carry.length);
      if (at >= 0) {
        this.window = [];
        this.appendWindow(Buffer.concat([seam.subarray(at), chunk.subarray(MAGIC.length - 1)]));
        this.offset += chunk.length;
        return;
      }
    }
    const at = this.findAligned(chunk, this.offset);
    if (at >= 0) {
      this.window = [];
      this.appendWindow(chunk.subarray(at));
    } else {
      // The last bytes of the stream so far, which a tiny chunk alone may not hold.
      const tail = chunk.length >= MAGIC.length - 1 ? chunk : Buffer.concat([this.carry, chunk]);
      this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - (MAGIC.length - 1))));
    }
    this.offset += chunk.length;
  }

  /** Index in `data` of the first magic at a 16-byte-aligned file offset; `start` is data[0]'s offset. */
  private findAligned(data: Buffer, start: number): number {
    for (let from = 0; ; ) {
      const at = data.indexOf(MAGIC, from);
      if (at < 0 || (start + at) % 16 === 0) return at;
      from = at + 1;
    }
  }

  /** The build info, `undefined` when this is not a Go binary (or not an ELF file at all). */
  result(): GoBuildInfoResult | undefined {
    if (this.notElf || !this.window) return undefined;
    return parseBuildInfoBlob(Buffer.concat(this.window));
  }

  private appendWindow(bytes: Buffer): void {
    const room = WINDOW - this.windowBytes;
    const kept = bytes.subarray(0, room);
    this.window?.push(Buffer.from(kept));
    this.windowBytes += kept.length;
  }
}

/** Parses a blob that starts at the build info magic. */
export function parseBuildInfoBlob(blob: Buffer): GoBuildInfoResult | undefined {
  if (blob.length < HEADER_SIZE || !blob.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const flags = blob[15] ?? 0;
  if ((flags & FLAG_VERSION_INLINE) === 0) {
    return { kind: 'unsupported', reason: 'Go build info in the pre-1.18 pointer layout is not read' };
  }
  const version = readVarString(blob, HEADER_SIZE);
  if (!version) return { kind: 'unsupported', reason: 'Go build info truncated' };
  const mod = readVarString(blob, version.next);
  if (!mod) return { kind: 'unsupported', reason: 'Go build info truncated' };
  // As debug/buildinfo: the module info is framed by 16-byte sentinels and ends in a newline.
  const raw = mod.value;
  const modInfo = raw.length >= 33 && raw.charCodeAt(raw.length - 17) === 0x0a ? raw.slice(16, -16) : '';
  return { kind: 'found', goVersion: version.value, modInfo };
}

function readVarString(buf: Buffer, start: number): { value: string; next: number } | undefined {
  let length = 0;
  let shift = 0;
  let pos = start;
  for (;;) {
    if (pos >= buf.length || shift > 28) return undefined;
    const byte = buf[pos++] as number;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  if (pos + length > buf.length) return undefined;
  return { value: buf.subarray(pos, pos + length).toString('latin1'), next: pos + length };
}

/**
 * Packages of a build: the main module, each `dep` (with its `=>` replacement applied) and the
 * standard library at the toolchain's version (Go vulnerabilities are often in the stdlib).
 */
export function goPackagesOf(goVersion: string, modInfo: string): PackageRecord[] {
  const packages: PackageRecord[] = [];
  let last: { name: string; version: string } | undefined;
  const push = (): void => {
    if (last) packages.push({ type: 'golang', name: last.name, version: last.version });
    last = undefined;
  };
  for (const line of modInfo.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if ((kind === 'mod' || kind === 'dep') && path) {
      push();
      last = { name: path, version: version || '(devel)' };
    } else if (kind === '=>' && path && last) {
      // A local directory replacement keeps the required module's identity and version.
      if (!path.startsWith('.') && !path.startsWith('/')) last = { name: path, version: version || last.version };
    }
  }
  push();
  const stdlib = /^go(\d+(?:\.\d+)*)/.exec(goVersion)?.[1];
  if (stdlib) packages.push({ type: 'golang', name: 'stdlib', version: stdlib });
  return packages;
}
