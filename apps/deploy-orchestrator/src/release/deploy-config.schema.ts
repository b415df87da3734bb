import { EnvironmentName } from '@portcullis/contracts';
import { ManifestPolicy } from '@portcullis/manifests';
import { z } from 'zod';

/*
 * The `deploy:` section of a repository's `.portcullis.yaml`, read at the release commit (GitOps:
 * what a commit says about its own deployment is what happens). Everything is bounded and strict:
 * the file comes from any pusher, and a typo must be an error, not a silent default. Nothing in it
 * names a host: `cluster` is the name of a cluster the operator configured.
 */

const DnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a DNS label: lower-case letters, digits and -');

/** `registry/repository`, no tag or digest: the release pins it to the scanned digest. */
const ImageRepository = z
  .string()
  .min(3)
  .max(300)
  .regex(/^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+$/, 'registry/repository without tag or digest, e.g. registry.example.com/acme/shop-api');

const RelativePath = z
  .string()
  .min(1)
  .max(256)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'a path inside the repository (no leading /, no ..)');

const SmokeJob = z.strictObject({
  /** Must be pinned by digest: a smoke test is code that runs next to production. */
  image: z
    .string()
    .max(400)
    .regex(/@sha256:[0-9a-f]{64}$/, 'an image pinned by digest (…@sha256:<64 hex>)'),
  command: z.array(z.string().max(1000)).min(1).max(32),
  timeoutSeconds: z.number().int().min(1).max(3600).default(120),
});

const BlueGreen = z.strictObject({
  /** The live Service in the manifests; its selector is what switches. */
  service: DnsLabel,
  /** How long the old version stays scaled up after the switch, for an instant switch-back. */
  scaleDownDelaySeconds: z.number().int().min(0).max(86_400).default(300),
  /** Switch automatically this long after the new version is ready (and the smoke test passed); absent: at once. */
  autoPromoteSeconds: z.number().int().min(0).max(86_400).optional(),
  smoke: SmokeJob.optional(),
});

export const EnvironmentSection = z
  .strictObject({
    name: EnvironmentName,
    /** A cluster name the operator configured (DEPLOY_CLUSTERS); never an address. */
    cluster: DnsLabel.default('default'),
    namespace: DnsLabel,
    strategy: z.enum(['rolling', 'blue-green']).default('rolling'),
    /** Wait for `release.approve` after every gate passed. */
    approval: z.boolean().default(false),
    /** Only pushes to these branches deploy here; absent: every branch. */
    branches: z.array(z.string().min(1).max(255)).min(1).max(20).optional(),
    progressDeadlineSeconds: z.number().int().min(1).max(3600).default(300),
    blueGreen: BlueGreen.optional(),
  })
  .refine((env) => env.strategy !== 'blue-green' || env.blueGreen !== undefined, {
    message: 'strategy blue-green needs a blueGreen section naming the live service',
    path: ['blueGreen'],
  });
export type EnvironmentSection = z.output<typeof EnvironmentSection>;

export const DeploySection = z
  .strictObject({
    /** Lock and supersede scope with the environment; default: the repository name. */
    app: DnsLabel.optional(),
    /** Image repositories the repository builds: each needs a passing scan before a deploy. */
    images: z.array(ImageRepository).max(20).default([]),
    manifests: z.strictObject({ path: RelativePath }),
    /** Manifest policy gate (libs/manifests): every rule denies unless allowed here. */
    policy: ManifestPolicy.prefault({}),
    environments: z.array(EnvironmentSection).min(1).max(20),
  })
  .refine((d) => new Set(d.environments.map((e) => e.name)).size === d.environments.length, {
    message: 'environment names must be unique',
    path: ['environments'],
  });
export type DeploySection = z.output<typeof DeploySection>;

/** The outcome of reading `deploy:`: absent (the repository does not deploy through Portcullis), valid, or every problem with its path. */
export type DeployConfigResolution =
  | { readonly kind: 'absent' }
  | { readonly kind: 'valid'; readonly deploy: DeploySection }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

/** Validates the `deploy:` section (`undefined` when the file or the section is absent). */
export function resolveDeployConfig(section: unknown): DeployConfigResolution {
  if (section === undefined || section === null) return { kind: 'absent' };
  const parsed = DeploySection.safeParse(section);
  if (parsed.success) return { kind: 'valid', deploy: parsed.data };
  return {
    kind: 'invalid',
    problems: parsed.error.issues.slice(0, 20).map((i) => `deploy.${i.path.map(String).join('.')}: ${i.message}`),
  };
}
