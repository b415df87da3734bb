import { type DestinationStream } from 'pino';

/** A pino destination that keeps the parsed JSON lines, for assertions. */
export function captureDestination(): DestinationStream & { lines: Record<string, unknown>[]; raw: string[] } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  return {
    lines,
    raw,
    write(line: string) {
      raw.push(line);
      lines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
}
