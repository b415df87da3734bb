import { Command } from 'commander';
import type { CliContext } from './cli.context.js';
import { deliveriesCommand } from './commands/deliveries.commands.js';
import { dlqCommand } from './commands/dlq.commands.js';
import { eventsCommand } from './commands/events.commands.js';
import { imageCommand } from './commands/image-scan.command.js';
import { manifestsCommand } from './commands/manifests-check.command.js';
import { releaseCommand } from './commands/release.commands.js';
import { secretsScanCommand } from './commands/secrets-scan.command.js';
import { secretsCommand, triageCommand } from './commands/triage.commands.js';

/** The `portcullis` command. Kafka settings come from the same KAFKA_* variables as the services. */
export function buildProgram(context: CliContext): Command {
  const program = new Command('portcullis')
    .description('Portcullis operator CLI. Kafka settings come from KAFKA_BROKERS and the other KAFKA_* variables.')
    .configureOutput({
      writeOut: (s) => context.stdout.write(s),
      writeErr: (s) => context.stderr.write(s),
    })
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(deliveriesCommand(context));
  program.addCommand(dlqCommand(context));
  program.addCommand(eventsCommand(context));
  program.addCommand(imageCommand(context));
  program.addCommand(manifestsCommand(context));
  program.addCommand(releaseCommand(context));
  program.addCommand(triageCommand(context));
  program.addCommand(secretsCommand(context, [secretsScanCommand(context)]));
  // Sub-commands do not inherit these settings from their parent; apply them all the way down.
  const inherit = (command: Command): void => {
    for (const child of command.commands) {
      child.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError();
      inherit(child);
    }
  };
  inherit(program);
  return program;
}
