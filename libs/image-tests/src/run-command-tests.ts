import { isNotRun, type CommandRunner } from './command-runner.port.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, type ImageTestSpec, type OutputExpectationSpec } from './image-tests.schema.js';
import { result, type ImageTestResult } from './results.js';

const DIGEST_REFERENCE = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

function outputProblems(stream: 'stdout' | 'stderr', text: string, expected: OutputExpectationSpec | undefined): string[] {
  if (!expected) return [];
  return [
    ...(expected.match ?? []).filter((p) => !p.test(text)).map((p) => `${stream} does not match /${p.source}/`),
    ...(expected.notMatch ?? []).filter((p) => p.test(text)).map((p) => `${stream} matches /${p.source}/`),
  ];
}

function describeError(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return code ? `runner error ${code}` : 'runner error';
}

/**
 * Runs the `commands:` tests one after the other through `runner` on `image` (pinned by digest).
 * Without a runner, or when the runner cannot run one, that test is `not-run` — never `passed`.
 * Reasons name the exit code and the patterns that failed, never the output itself (it may hold
 * anything the image prints).
 */
export async function runCommandTests(runner: CommandRunner | undefined, image: string, tests: ImageTestSpec | undefined): Promise<ImageTestResult[]> {
  const out: ImageTestResult[] = [];
  for (const command of tests?.commands ?? []) {
    const id = `command.${command.id}`;
    if (!runner) {
      out.push(result(id, 'command', 'not-run', 'no command runner is configured'));
      continue;
    }
    if (!DIGEST_REFERENCE.test(image)) {
      out.push(result(id, 'command', 'not-run', 'the image is not pinned by a sha256 digest'));
      continue;
    }
    const timeoutMs = command.timeout ?? DEFAULT_COMMAND_TIMEOUT_MS;
    let outcome;
    try {
      outcome = await runner.run({
        image,
        argv: command.argv,
        timeoutMs,
        ...(command.user !== undefined ? { user: command.user } : {}),
        ...(command.runAsRoot ? { runAsRoot: true } : {}),
      });
    } catch (error) {
      // A runner that throws is an infrastructure failure, not a verdict on the image.
      out.push(result(id, 'command', 'not-run', describeError(error)));
      continue;
    }
    if (isNotRun(outcome)) {
      out.push(result(id, 'command', 'not-run', outcome.notRun));
      continue;
    }
    if (outcome.timedOut) {
      out.push(result(id, 'command', 'failed', `timed out after ${timeoutMs / 1000}s`));
      continue;
    }
    const expectedExit = command.exitCode ?? 0;
    const readable = outcome.outputUnavailable === undefined;
    const problems = [
      ...(outcome.exitCode === expectedExit ? [] : [`exit code ${outcome.exitCode}, expected ${expectedExit}`]),
      ...(readable ? outputProblems('stdout', outcome.stdout, command.stdout) : []),
      ...(readable ? outputProblems('stderr', outcome.stderr, command.stderr) : []),
    ];
    const wantsOutput = command.stdout !== undefined || command.stderr !== undefined;
    if (problems.length === 0 && wantsOutput && outcome.outputUnavailable !== undefined) {
      out.push(result(id, 'command', 'not-run', `output not available: ${outcome.outputUnavailable}`));
      continue;
    }
    const note = outcome.truncated ? ' (output was truncated)' : '';
    out.push(problems.length === 0 ? result(id, 'command', 'passed') : result(id, 'command', 'failed', `${problems.join('; ')}${note}`));
  }
  return out;
}
