import { type PipelineRouting } from '../harness/pipeline-config.js';
import { type LoadOptions } from './load-options.js';

/**
 * What a release of the load carries, the groups latency is reported by: a small commit, a small
 * commit with a planted secret, a commit with an image (with or without a planted secret), and a
 * release that deploys (clean, with an image).
 */
export const RELEASE_TYPES = ['commit', 'commit+finding', 'image', 'image+finding', 'deploy'] as const;
export type ReleaseType = (typeof RELEASE_TYPES)[number];

/** One repository of the load and the release it pushes. */
export interface LoadRepo {
  readonly index: number;
  /** `c<channel>-r<index>`: the prefix routes it to its channel. */
  readonly name: string;
  readonly channel: string;
  /** The release commit plants a secret (a GitHub token) the audit must report. */
  readonly finding: boolean;
  /** The release builds an image (registry notification + CI build announcement). */
  readonly image: boolean;
  /** The release deploys (auto, replicas 1); otherwise its environment waits for an approval nobody gives. */
  readonly deploy: boolean;
  readonly type: ReleaseType;
}

/** mulberry32: a small seeded PRNG, so the same seed picks the same repositories. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export const channelId = (channel: number): string => `C0LOAD${String(channel).padStart(3, '0')}`;
const channelPrefix = (channel: number): string => `c${String(channel).padStart(3, '0')}`;

/**
 * The repositories of a run, with exact counts (`round(share × repos)`) picked by a seeded
 * shuffle: images first, deploys among the images, findings among the rest — a deploying release
 * must be clean, or it would be blocked instead of deployed. Repository i goes to channel
 * i mod channels, so every channel gets the same share of the load.
 */
export function planRepos(options: Pick<LoadOptions, 'repos' | 'findings' | 'images' | 'deploy' | 'channels' | 'seed'>): LoadRepo[] {
  const { repos } = options;
  const random = seededRandom(options.seed);
  const images = new Set(shuffled(repos, random).slice(0, Math.round(options.images * repos)));
  const deploys = new Set([...images].slice(0, Math.min(images.size, Math.round(options.deploy * repos))));
  const candidates = shuffled(repos, random).filter((i) => !deploys.has(i));
  const findings = new Set(candidates.slice(0, Math.min(candidates.length, Math.round(options.findings * repos))));
  return Array.from({ length: repos }, (_, index) => {
    const channel = index % options.channels;
    const image = images.has(index);
    const deploy = deploys.has(index);
    const finding = findings.has(index);
    const type: ReleaseType = deploy ? 'deploy' : image ? (finding ? 'image+finding' : 'image') : finding ? 'commit+finding' : 'commit';
    return { index, name: `${channelPrefix(channel)}-r${String(index).padStart(5, '0')}`, channel: channelId(channel), finding, image, deploy, type };
  });
}

/** The notifier's routing for a run: one route per channel, by the repositories' name prefix. */
export function loadRouting(owner: string, channels: number): PipelineRouting {
  return {
    defaultChannel: 'C0LOADDEFAULT',
    routes: Array.from({ length: channels }, (_, c) => ({ repositories: `github/${owner}/${channelPrefix(c)}-*`, channels: [channelId(c)] })),
  };
}

/**
 * The open-loop schedule: release i is due `i / rate` seconds after the start, whatever happened
 * to the releases before it (a closed loop would slow down with the system and hide its latency).
 */
export function openLoopOffsetMs(index: number, rate: number): number {
  return (index * 1000) / rate;
}

/** How late a send was against its schedule (ms); the report shows the worst, so a run that could not keep the rate says so. */
export function scheduleSlipMs(index: number, rate: number, startedAt: number, sentAt: number): number {
  return Math.max(0, sentAt - (startedAt + openLoopOffsetMs(index, rate)));
}
