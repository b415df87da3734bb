import { PIPELINE_SERVICES, type PipelineService } from '../harness/pipeline-config.js';

/** What one load run sends: how many repositories, their mix, the rate and the pipeline's shape. */
export interface LoadOptions {
  /** Repositories, one release (push) each. */
  readonly repos: number;
  /** Pushes per second of the open-loop schedule (release i is sent at i / rate s). */
  readonly rate: number;
  /** Share of repositories whose release commit plants a secret the audit must find (0..1). */
  readonly findings: number;
  /** Share that builds an image (registry notification + CI build announcement) (0..1). */
  readonly images: number;
  /** Share that deploys (taken from the image repositories; replicas 1 on the kwok node) (0..1). */
  readonly deploy: number;
  /** Slack channels the repositories are routed to (the stand-in allows 1 call/s per channel). */
  readonly channels: number;
  /** Instances per service (default 1 each). */
  readonly instances: Partial<Record<PipelineService, number>>;
  /** Longest wait (ms) for the last release to complete after the last push. */
  readonly drainTimeoutMs: number;
  /** Seed of the repository mix (which repositories get findings, images, deploys). */
  readonly seed: number;
}

export const DEFAULT_LOAD_OPTIONS: LoadOptions = {
  repos: 1000,
  rate: 20,
  findings: 0.1,
  images: 0.3,
  deploy: 0.05,
  channels: 128,
  instances: {},
  drainTimeoutMs: 600_000,
  seed: 1,
};

/** A bad command-line value; the message names the option and what it accepts. */
export class LoadOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadOptionError';
  }
}

/** `10%`, `0.1` or `10` (percent when > 1) → a share in 0..1. */
export function parseShare(option: string, value: string): number {
  const text = value.trim();
  const percent = text.endsWith('%');
  const n = Number(percent ? text.slice(0, -1) : text);
  if (text === '' || !Number.isFinite(n) || n < 0) throw new LoadOptionError(`--${option} must be a share like 10% or 0.1, got “${value}”`);
  const share = percent || n > 1 ? n / 100 : n;
  if (share > 1) throw new LoadOptionError(`--${option} must be at most 100%, got “${value}”`);
  return share;
}

/** `90s`, `2m`, `1500ms` or plain seconds → milliseconds. */
export function parseDuration(option: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (match === null) throw new LoadOptionError(`--${option} must be a duration like 90s, 2m or 1500ms, got “${value}”`);
  const n = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? n : unit === 's' ? n * 1000 : n * 60_000);
}

/** `secret-auditor=2,notifier=1` → instances per service; an unknown service or a count below 1 is refused. */
export function parseInstances(value: string): Partial<Record<PipelineService, number>> {
  const out: Partial<Record<PipelineService, number>> = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, count] = part.split('=').map((s) => s.trim());
    if (!PIPELINE_SERVICES.includes(name as PipelineService)) throw new LoadOptionError(`--instances: unknown service “${name}” (one of ${PIPELINE_SERVICES.join(', ')})`);
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > 8) throw new LoadOptionError(`--instances: ${name} needs a count from 1 to 8, got “${count ?? ''}”`);
    out[name as PipelineService] = n;
  }
  return out;
}

function positiveInteger(option: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new LoadOptionError(`--${option} must be an integer from 1 to ${max}, got “${value}”`);
  return n;
}

/** The command-line values of a load run (strings as `node:util` parseArgs gives them). */
export interface LoadArgs {
  readonly repos?: string;
  readonly rate?: string;
  readonly findings?: string;
  readonly images?: string;
  readonly deploy?: string;
  readonly channels?: string;
  readonly instances?: string;
  /** Sets `repos = rate × duration` when `repos` is not given. */
  readonly duration?: string;
  readonly 'drain-timeout'?: string;
  readonly seed?: string;
}

/**
 * Turns command-line values into {@link LoadOptions}, checking every one (a run of many minutes
 * must not fail at the end on a typo). `--duration` is the other way to say how many pushes: at
 * one push per repository, `repos = rate × duration`.
 */
export function loadOptionsFrom(args: LoadArgs): LoadOptions {
  const d = DEFAULT_LOAD_OPTIONS;
  const rate = args.rate === undefined ? d.rate : Number(args.rate);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 1000) throw new LoadOptionError(`--rate must be a number of pushes per second in (0, 1000], got “${args.rate}”`);
  if (args.repos !== undefined && args.duration !== undefined) throw new LoadOptionError('give --repos or --duration, not both');
  const repos =
    args.repos !== undefined ? positiveInteger('repos', args.repos, 100_000) : args.duration !== undefined ? Math.max(1, Math.round((rate * parseDuration('duration', args.duration)) / 1000)) : d.repos;
  const images = args.images === undefined ? d.images : parseShare('images', args.images);
  const deploy = args.deploy === undefined ? d.deploy : parseShare('deploy', args.deploy);
  if (deploy > images) throw new LoadOptionError(`--deploy (${deploy * 100}%) must not exceed --images (${images * 100}%): only repositories that ship an image deploy`);
  return {
    repos,
    rate,
    findings: args.findings === undefined ? d.findings : parseShare('findings', args.findings),
    images,
    deploy,
    channels: args.channels === undefined ? d.channels : positiveInteger('channels', args.channels, 999),
    instances: args.instances === undefined ? {} : parseInstances(args.instances),
    drainTimeoutMs: args['drain-timeout'] === undefined ? d.drainTimeoutMs : parseDuration('drain-timeout', args['drain-timeout']),
    seed: args.seed === undefined ? d.seed : positiveInteger('seed', args.seed, 2 ** 31),
  };
}
