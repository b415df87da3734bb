import { allTopicSpecs, exampleScmPush, ScmEvents } from '@portcullis/contracts';
import { createKafkaClient, ensureTopics, EventPublisher, silentLogger } from '@portcullis/messaging';
import { expectEventually, serviceEnv, stackEnv, uniquePrefix } from '@portcullis/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built service as an operator runs it: plain node on dist/, configured only by env.
const root = fileURLToPath(new URL('../../..', import.meta.url));
const stack = stackEnv();
const prefix = uniquePrefix('secret-auditor');
const kafka = createKafkaClient({ brokers: stack.kafkaBrokers, clientId: 'secret-auditor-int-spec', topicPrefix: prefix }, silentLogger);
const publisher = new EventPublisher(kafka, { source: '/portcullis/test', topicPrefix: prefix, logger: silentLogger });

interface LogLine {
  msg?: string;
  [field: string]: unknown;
}

let child: ChildProcess | undefined;
const lines: LogLine[] = [];
const rawOutput: string[] = [];

function startService(): ChildProcess {
  const proc = spawn(process.execPath, ['apps/secret-auditor/dist/main.js'], {
    cwd: root,
    env: {
      PATH: process.env['PATH'],
      ...serviceEnv(stack, prefix, 'secret-auditor-int-1'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [proc.stdout!, proc.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      rawOutput.push(line);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine);
    });
  }
  return proc;
}

/** The service's last lines, for failure messages. */
const outputTail = (): string => rawOutput.slice(-40).join('\n');

/** Resolves with the HTTP port from the `service started` line; rejects with the output if the service exits first. */
function waitForStart(proc: ChildProcess, timeoutMs = 90_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start within ${timeoutMs} ms:\n${outputTail()}`)), timeoutMs);
    const poll = setInterval(() => {
      const started = lines.find((l) => l.msg === 'service started');
      if (started === undefined) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve(started['port'] as number);
    }, 50);
    // 'close' comes after the output streams ended, so the message holds everything it printed.
    proc.once('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before it started:\n${outputTail()}`));
    });
  });
}

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

beforeAll(async () => {
  execFileSync('npx', ['tsc', '-b', 'apps/secret-auditor/tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
  // The service would create the topics itself. Creating them first keeps this test clear of a
  // race in creating topics (a metadata request right after CreateTopics may answer "does not host
  // this topic-partition"), which is ensureTopics' concern, not what this test is about.
  await expectEventually(
    async () => {
      const report = await ensureTopics(kafka, allTopicSpecs(), { topicPrefix: prefix, logger: silentLogger });
      expect([...report.created, ...report.grown]).toEqual([]);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await publisher.disconnect().catch(() => undefined);
});

describe('secret-auditor, built and started as a process', () => {
  it('consumes a push published to scm.events, then stops cleanly on SIGTERM', async () => {
    child = startService();
    const port = await waitForStart(child);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    await publisher.connect();
    const push = exampleScmPush({ repository: { provider: 'github', owner: 'acme', name: 'e2e-auditor' } });
    // The service has just created the topics; until the broker leads every partition a publish
    // may be refused. Retrying with one event id keeps it one event (consumers deduplicate on it).
    const id = randomUUID();
    await expectEventually(() => publisher.publish(ScmEvents, push, { id }), { timeoutMs: 20_000, intervalMs: 250 });

    await expectEventually(
      async () => {
        expect(await scrape(port), `no handled event yet; service output:\n${outputTail()}`).toMatch(
          /^portcullis_messages_handled_total\{(?=.*topic="scm\.events")(?=.*group="secret-auditor")(?=.*outcome="success").*\} 1$/m,
        );
      },
      { timeoutMs: 45_000 },
    );
    const received = lines.find((l) => l.msg === 'event received' && l['eventId'] === id);
    expect(received).toMatchObject({ topic: 'scm.events', type: 'dev.portcullis.scm.events.push.v1', subject: expect.any(String) });
    // The placeholder logs the envelope only; a commit title is body content.
    expect(rawOutput.join('\n')).not.toContain(push.commits[0]!.title);

    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const stopping = Date.now();
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(15_000);
    expect(lines.some((l) => l.msg === 'service stopped')).toBe(true);
  }, 150_000);
});
