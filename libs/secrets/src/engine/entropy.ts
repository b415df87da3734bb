const asciiCounts = new Int32Array(128);

/**
 * Shannon entropy in bits per character, as gitleaks computes it. Values are short (a secret), so
 * a shared counting table keeps this allocation-free for ASCII.
 */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) asciiCounts[c]++;
    else (other ??= new Map()).set(c, (other.get(c) ?? 0) + 1);
  }
  let entropy = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) continue;
    const count = asciiCounts[c];
    if (count === 0) continue;
    const p = count / n;
    entropy -= p * Math.log2(p);
    asciiCounts[c] = 0;
  }
  if (other) {
    for (const count of other.values()) {
      const p = count / n;
      entropy -= p * Math.log2(p);
    }
  }
  return entropy;
}
