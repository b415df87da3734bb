import { ConfigError } from '@portcullis/config';
import { silenceKafkajsTimeoutWarning } from '@portcullis/messaging';
import { CommanderError } from 'commander';
import { buildProgram } from './cli.program.js';

silenceKafkajsTimeoutWarning();
const context = { stdout: process.stdout, stderr: process.stderr, env: process.env };
try {
  await buildProgram(context).parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander printed its own parse errors already; errors thrown by an action carry their message here.
    if (error.message && error.code.startsWith('portcullis.')) process.stderr.write(`portcullis: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else {
    // One line, no stack: the library errors already say what failed and never carry secrets.
    process.stderr.write(`portcullis: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
