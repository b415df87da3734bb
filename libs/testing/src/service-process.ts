import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (where services' `dist/main.js` are run from). */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface LogLine {
  msg?: string;
  [field: string]: unknown;
}

/** The built service as an operator runs it: plain node on dist/, configured only by env, output captured. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  /** JSON log lines, parsed. */
  readonly lines: LogLine[];
  /** Every line printed on stdout and stderr. */
  readonly rawOutput: string[];
  /** The HTTP port, once `service started` was logged. */
  readonly port: number;
  /** The last lines, for failure messages. */
  tail(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code and signal. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartServiceOptions {
  /** How long to wait for `service started`; default 90 s. */
  timeoutMs?: number;
  /** Also append every line the service prints to this file (for a run that outlives the test: the demo). */
  logFile?: string;
}

/** Starts `apps/<app>/dist/main.js` (build it first) and resolves once it logged `service started`. */
export async function startServiceProcess(app: string, env: Record<string, string>, options: StartServiceOptions = {}): Promise<ServiceProcess> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const logFile = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [`apps/${app}/dist/main.js`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const rawOutput: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      rawOutput.push(line);
      logFile?.write(`${line}\n`);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
    });
  }
  const tail = () => rawOutput.slice(-40).join('\n');
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start within ${timeoutMs} ms:\n${tail()}`)), timeoutMs);
    const poll = setInterval(() => {
      const started = lines.find((l) => l.msg === 'service started');
      if (started === undefined) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(started['port'] as number);
    }, 50);
    // 'close' comes after the output streams ended, so the message holds everything it printed.
    child.once('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before it started:\n${tail()}`));
    });
  });
  return {
    child,
    lines,
    rawOutput,
    port,
    tail,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      return { code, signal };
    },
  };
}

/**
 * Resolves once the service answers `GET /readyz` with 200: its Kafka consumers have joined their
 * groups, so events published from now on reach it. Fails with the service's last log lines.
 */
export async function waitUntilReady(service: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(`http://127.0.0.1:${service.port}/readyz`, { signal: AbortSignal.timeout(2_000) });
      if (answer.status === 200) return;
      last = `status ${answer.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (service.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`service not ready within ${timeoutMs} ms (${last}):\n${service.tail()}`);
}
