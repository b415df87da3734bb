import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { REPO_ROOT } from '@portcullis/testing';

/** The five service images tools/images/build.sh builds, in the order a release meets them. */
export const SERVICE_APPS = ['webhook-intake', 'secret-auditor', 'image-scanner', 'deploy-orchestrator', 'notifier'] as const;
export type ServiceApp = (typeof SERVICE_APPS)[number];

/**
 * The tag tools/images/build.sh gives the images (tools/images/tag.sh): $PORTCULLIS_IMAGE_TAG, else
 * the git short sha (12), else `dev`.
 */
export function imageTag(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env['PORTCULLIS_IMAGE_TAG'];
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('git', ['-C', REPO_ROOT, 'rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString('utf8')
      .trim();
  } catch {
    return 'dev';
  }
}

export function imageName(app: ServiceApp, tag = imageTag()): string {
  return `localhost/portcullis/${app}:${tag}`;
}

/** A loopback TCP port nothing listens on right now (the containers share the host's network). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
