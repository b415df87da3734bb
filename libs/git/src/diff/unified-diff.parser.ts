/** A line a commit added, numbered as in the new version of the file (1-based). */
export interface AddedLine {
  line: number;
  text: string;
}

/** What one `diff --git` block of a patch says about its file. */
export interface PatchBlock {
  /** Git judged the file binary ("Binary files … differ"). */
  binary: boolean;
  addedLines: AddedLine[];
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const utf8 = new TextDecoder('utf-8', { fatal: false });

function decodeLine(line: Buffer): string {
  let end = line.length;
  if (end > 0 && line[end - 1] === 0x0d) end--; // CRLF files: the secret is the same without \r
  return utf8.decode(line.subarray(1, end));
}

/**
 * Incremental parser for `git diff --unified=0 --no-color` output, fed one line (without its
 * `\n`) at a time so a large patch never sits in memory. Hunk bodies are consumed by the line
 * counts of their `@@` header, so an added line that itself starts with `+++` or `diff --git` is
 * never mistaken for a header. `\ No newline at end of file` markers are ignored. Lines that are
 * not valid UTF-8 are decoded with U+FFFD replacements.
 */
export class UnifiedDiffParser {
  private current: PatchBlock | undefined;
  private oldLeft = 0;
  private newLeft = 0;
  private nextNewLine = 0;

  /** Feeds one line; returns the previous block when this line starts a new one. */
  feed(line: Buffer): PatchBlock | undefined {
    if (this.oldLeft > 0 || this.newLeft > 0) {
      this.hunkLine(line);
      return undefined;
    }
    if (startsWith(line, 'diff --git ') || startsWith(line, 'diff --cc ')) {
      const done = this.current;
      this.current = { binary: false, addedLines: [] };
      return done;
    }
    if (!this.current) return undefined; // e.g. a commit id line before the first block
    if (startsWith(line, '@@ ')) {
      const m = HUNK.exec(line.toString('latin1'));
      if (!m) throw new Error('malformed hunk header');
      this.oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      this.newLeft = m[3] === undefined ? 1 : Number(m[3]);
      this.nextNewLine = Number(m[2]);
      return undefined;
    }
    if (startsWith(line, 'Binary files ') || startsWith(line, 'GIT binary patch')) this.current.binary = true;
    return undefined;
  }

  /** Call at the end of the input; returns the last block. */
  end(): PatchBlock | undefined {
    const done = this.current;
    this.current = undefined;
    this.oldLeft = this.newLeft = 0;
    return done;
  }

  private hunkLine(line: Buffer): void {
    const kind = line[0];
    if (kind === 0x2b /* + */) {
      this.current!.addedLines.push({ line: this.nextNewLine++, text: decodeLine(line) });
      this.newLeft--;
    } else if (kind === 0x2d /* - */) {
      this.oldLeft--;
    } else if (kind === 0x20 /* context */) {
      this.oldLeft--;
      this.newLeft--;
      this.nextNewLine++;
    } else if (kind === 0x5c /* \ No newline at end of file */) {
      // not a line of either side
    } else {
      throw new Error('patch line outside the hunk grammar');
    }
  }
}

function startsWith(line: Buffer, prefix: string): boolean {
  return line.length >= prefix.length && line.toString('latin1', 0, prefix.length) === prefix;
}

/** True when `content` looks binary the way git decides it: a NUL byte in the first 8000 bytes. */
export function looksBinary(content: Buffer): boolean {
  return content.subarray(0, 8000).includes(0);
}

/** Every line of a whole text file as added lines (new files seen without a usable diff). */
export function allLinesOf(content: Buffer): AddedLine[] {
  const lines: AddedLine[] = [];
  let start = 0;
  let n = 1;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    if (end < 0) end = content.length;
    let stop = end;
    if (stop > start && content[stop - 1] === 0x0d) stop--;
    lines.push({ line: n++, text: utf8.decode(content.subarray(start, stop)) });
    start = end + 1;
  }
  return lines;
}

/** git-lfs pointer files (spec v1, and the pre-release "hawser" URL). */
export function isLfsPointer(content: Buffer): boolean {
  if (content.length > 1024) return false;
  const head = content.toString('latin1', 0, 64);
  return (
    head.startsWith('version https://git-lfs.github.com/spec/v1\n') ||
    head.startsWith('version https://hawser.github.com/spec/v1\n')
  );
}
