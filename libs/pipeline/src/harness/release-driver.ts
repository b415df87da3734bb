import { releaseIdOf, type RepositoryRef } from '@portcullis/contracts';
import { buildImage, createRemoteRepo, type ImageSpec, pushImage, WorkTree, ZERO } from '@portcullis/testing';
import { type BuiltDelivery } from '../webhooks/built-delivery.js';
import { buildCiBuildAnnouncement, type PinnedImage } from '../webhooks/ci-build.delivery.js';
import { deliver, type IntakeAnswer } from '../webhooks/deliver.js';
import { buildDistributionPush } from '../webhooks/distribution-push.delivery.js';
import { buildGithubPush, type GithubPushCommit } from '../webhooks/github-push.delivery.js';
import { IMAGE_TAG } from '../scenarios/scenario-files.js';
import { SOURCE_IDS } from './pipeline-config.js';
import { type Pipeline } from './start-pipeline.js';

/** A repository of the run on the stack's git server, with a work tree to commit from. */
export class PipelineRepo {
  readonly repository: RepositoryRef;
  private readonly work: WorkTree;
  private tip = ZERO;

  constructor(
    private readonly pipeline: Pipeline,
    readonly name: string,
  ) {
    createRemoteRepo(pipeline.git, pipeline.owner, name);
    this.work = new WorkTree(pipeline.git, pipeline.owner, name);
    this.repository = { provider: 'github', owner: pipeline.owner, name };
  }

  /** Commits the files on top of the current tree and pushes to `main`; returns the push's range and commits. */
  commitAndPush(files: Readonly<Record<string, string>>, message: string): { before: string; after: string; commits: GithubPushCommit[] } {
    for (const [path, content] of Object.entries(files)) this.work.write(path, content);
    const after = this.work.commit(message);
    this.work.push('main');
    const before = this.tip;
    this.tip = after;
    const range = before === ZERO ? [after] : ['--ancestry-path', `${before}..${after}`];
    // Oldest first, as GitHub lists a push's commits.
    const log = this.work.git('log', '--reverse', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s', ...range, '--');
    const commits = log
      .split('\n')
      .filter(Boolean)
      .map((line): GithubPushCommit => {
        const [id, name, email, timestamp, subject] = line.split('\x1f') as [string, string, string, string, string];
        return { id, message: subject, author: { name, email }, timestamp };
      });
    return { before, after, commits };
  }

  remove(): void {
    this.work.remove();
  }
}

/** What the intake answered for one release's three deliveries, and when. */
export interface PushedRelease {
  readonly releaseId: string;
  readonly repository: RepositoryRef;
  readonly sha: string;
  /** The image as the CI announced it (pinned to the pushed manifest digest); absent for a commit without a build. */
  readonly image?: PinnedImage;
  /** `Date.now()` when the intake accepted the push webhook (the start of the release's end-to-end time). */
  readonly acceptedAt: number;
  readonly answers: { readonly push: IntakeAnswer; readonly registry?: IntakeAnswer; readonly build?: IntakeAnswer };
}

/** The intake answered a delivery with something other than 202 accepted. */
export class DeliveryRefusedError extends Error {
  constructor(
    readonly delivery: BuiltDelivery['kind'],
    readonly answer: IntakeAnswer,
  ) {
    super(`intake answered ${answer.status} ${answer.body?.status ?? ''} ${answer.body?.code ?? ''} to the ${delivery} delivery`.replace(/\s+/g, ' ').trim());
    this.name = 'DeliveryRefusedError';
  }
}

async function accepted(pipeline: Pipeline, built: BuiltDelivery): Promise<IntakeAnswer> {
  const answer = await deliver(pipeline.intakeUrl(), built);
  if (answer.status !== 202) throw new DeliveryRefusedError(built.kind, answer);
  return answer;
}

/**
 * One release, as the outside world makes it: the developer's commit pushed to the git server and
 * GitHub's signed push webhook; then, when `image` is given, CI builds and pushes the image to the
 * registry, the registry sends its notification and CI announces the build (`POST /v1/builds`),
 * which is what ties the image to the release. Every delivery must be accepted (202).
 */
export async function pushRelease(
  pipeline: Pipeline,
  repo: PipelineRepo,
  files: Readonly<Record<string, string>>,
  options: { readonly message: string; readonly image?: ImageSpec },
): Promise<PushedRelease> {
  const { before, after, commits } = repo.commitAndPush(files, options.message);
  const { owner, name } = repo.repository;
  const push = await accepted(
    pipeline,
    buildGithubPush({ sourceId: SOURCE_IDS.github, secret: pipeline.secrets.githubWebhook, owner, name, before, after, commits, pusher: { name: commits.at(-1)!.author.name, email: commits.at(-1)!.author.email } }),
  );
  const acceptedAt = Date.now();
  const releaseId = releaseIdOf(repo.repository, after);
  if (options.image === undefined) return { releaseId, repository: repo.repository, sha: after, acceptedAt, answers: { push } };

  const imageRepository = `${owner}/${name}`;
  const digest = await pushImage(pipeline.registryUrl, imageRepository, IMAGE_TAG, await buildImage(options.image));
  const image: PinnedImage = { registry: pipeline.registry, repository: imageRepository, tag: IMAGE_TAG, digest };
  const registry = await accepted(
    pipeline,
    buildDistributionPush({ sourceId: SOURCE_IDS.registry, authorization: pipeline.secrets.registryAuthorization, registryHost: pipeline.registry, repository: imageRepository, digest, tag: IMAGE_TAG }),
  );
  const build = await accepted(pipeline, buildCiBuildAnnouncement({ auth: { kind: 'hmac', secret: pipeline.secrets.ciBuilds }, repository: repo.repository, commit: after, image, buildId: `build-${after.slice(0, 12)}` }));
  return { releaseId, repository: repo.repository, sha: after, image, acceptedAt, answers: { push, registry, build } };
}
