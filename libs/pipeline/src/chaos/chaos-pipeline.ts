import { PIPELINE_SERVICES } from '../harness/pipeline-config.js';
import { PipelineObserver } from '../harness/pipeline-observer.js';
import { type Pipeline, startPipeline, type StartPipelineOptions } from '../harness/start-pipeline.js';
import { type ChaosContext } from './chaos-scenarios.js';
import { SteadyLoad, type SteadyLoadOptions } from './steady-load.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface ChaosPipelineOptions {
  readonly label?: string;
  /** Instances per service; default 2 of each, so one can be killed while the other carries on. */
  readonly instances?: number;
  readonly load?: SteadyLoadOptions;
  readonly allowStackRestart?: boolean;
  readonly build?: boolean;
  readonly log?: (line: string) => void;
  /** Passed through to startPipeline (env overrides and the like). */
  readonly pipeline?: Omit<StartPipelineOptions, 'label' | 'instances' | 'orchestratorKubeServer' | 'build' | 'onProgress'>;
}

/** A pipeline set up for chaos: N instances of each service, the orchestrator's API behind a proxy, an observer, the load driver. */
export interface ChaosPipeline extends ChaosContext {
  stop(): Promise<void>;
}

export async function startChaosPipeline(options: ChaosPipelineOptions = {}): Promise<ChaosPipeline> {
  const log = options.log ?? (() => undefined);
  const n = options.instances ?? 2;
  let kubeProxy: TcpProxy | undefined;
  const pipeline: Pipeline = await startPipeline({
    // Slack's real 1/s per channel would make the notifier's backlog, not the fault, the story.
    slack: { rateLimit: { perSecond: 50, burst: 50 } },
    ...options.pipeline,
    label: options.label ?? 'chaos',
    instances: Object.fromEntries(PIPELINE_SERVICES.map((s) => [s, n])),
    build: options.build ?? true,
    onProgress: log,
    orchestratorKubeServer: async (server) => {
      const url = new URL(server);
      kubeProxy = await startTcpProxy(`${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`);
      return `${url.protocol}//${kubeProxy.address}`;
    },
  });
  const observer = await PipelineObserver.start(pipeline.kafka, pipeline.prefix);
  const load = new SteadyLoad(pipeline, options.load);
  return {
    pipeline,
    observer,
    load,
    ...(kubeProxy ? { kubeProxy } : {}),
    poison: [],
    ...(options.allowStackRestart === undefined ? {} : { allowStackRestart: options.allowStackRestart }),
    log,
    stop: async () => {
      await load.stop();
      await observer.stop();
      load.remove();
      await pipeline.stop();
      await kubeProxy?.close();
    },
  };
}
