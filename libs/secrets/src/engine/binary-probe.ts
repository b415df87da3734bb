/** git's heuristic, as the engine applies it: a NUL byte in the first 8000 bytes makes a file binary. */
export const BINARY_PROBE_BYTES = 8000;

/**
 * True when the engine would skip `content` as `BINARY`. Lets a caller that reads files from an
 * archive (image layers) skip them before handing them to the worker pool, with the same answer.
 */
export function looksBinary(content: Uint8Array): boolean {
  const end = Math.min(content.byteLength, BINARY_PROBE_BYTES);
  for (let i = 0; i < end; i++) if (content[i] === 0) return true;
  return false;
}
