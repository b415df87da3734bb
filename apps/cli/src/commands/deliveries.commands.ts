import { Command, InvalidArgumentError } from 'commander';
import { type CliContext } from '../cli.context.js';

const DEFAULT_INTAKE_URL = 'http://127.0.0.1:8080';
const SAFE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const TIMEOUT_MS = 10_000;

function intakeUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http(s) URL');
  return url.toString().replace(/\/+$/, '');
}

/** `portcullis deliveries …`: what webhook-intake did with a delivery, through its read-only HTTP endpoint. */
export function deliveriesCommand(context: CliContext): Command {
  const deliveries = new Command('deliveries').description('Look up webhook deliveries recorded by webhook-intake.');

  deliveries
    .command('show')
    .description('Print the record of a delivery (accepted, duplicate, rejected and why) as JSON.')
    .argument('<deliveryId>', 'the provider delivery id (X-GitHub-Delivery, X-Gitlab-Event-UUID, …) or sha256:<hex> body hash', (value: string) => {
      if (!SAFE_ID.test(value)) throw new InvalidArgumentError('not a delivery id');
      return value;
    })
    .option('--intake-url <url>', `base URL of webhook-intake (default ${DEFAULT_INTAKE_URL}, or PORTCULLIS_INTAKE_URL)`, intakeUrl)
    .action(async (deliveryId: string, options: { intakeUrl?: string }) => {
      const base = options.intakeUrl ?? intakeUrl(context.env['PORTCULLIS_INTAKE_URL'] ?? DEFAULT_INTAKE_URL);
      // encodeURIComponent keeps `sha256:` and `/` ids inside one path segment.
      const url = `${base}/v1/deliveries/${encodeURIComponent(deliveryId)}`;
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' } });
      } catch (error) {
        throw new Error(`cannot reach webhook-intake at ${base}: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (response.status === 404) throw new Error(`delivery ${deliveryId} is unknown (never received, or older than the record TTL)`);
      if (!response.ok) throw new Error(`webhook-intake answered ${response.status} for delivery ${deliveryId}`);
      const record: unknown = await response.json();
      context.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    });
  return deliveries;
}
