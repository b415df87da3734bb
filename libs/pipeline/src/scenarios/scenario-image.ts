import { randomBytes } from 'node:crypto';
import { type ImageSpec } from '@portcullis/testing';
import { type ScenarioKind, type ScenarioParams } from './scenario.model.js';

/**
 * The package the scanner finds in every scenario image: npm `minimist`, in the global
 * node_modules the SBOM cataloger reads. 1.2.5 is inside GHSA-xvch-5gv4-984h (critical, fixed in
 * 1.2.6; libs/vulndb/test/fixtures/osv); 1.2.8 is outside both of its ranges.
 */
export const MINIMIST_VULNERABLE = '1.2.5';
export const MINIMIST_CLEAN = '1.2.8';

const DEBIAN_OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';

/**
 * The image of a scenario's release, for `buildImage` (libs/testing oci-images.ts), built the way
 * the image scanner's int-spec builds its test images: a Debian base layer with minimist, then an
 * app layer. `vulnerable-image` has the fixable critical; every other kind is clean.
 * `failing-rollout` is the second release of its app, so its app layer (and digest) differs from
 * the first release's `scenarioImage('clean', sameParams)`. `params.run` goes into the app layer,
 * so every run pushes digests the shared scan cache has not seen.
 */
export function scenarioImage(kind: ScenarioKind, params: Pick<ScenarioParams, 'run'>): ImageSpec {
  const run = params.run ?? randomBytes(4).toString('hex');
  const minimist = kind === 'vulnerable-image' ? MINIMIST_VULNERABLE : MINIMIST_CLEAN;
  const version = kind === 'failing-rollout' ? 'v2' : 'v1';
  return {
    layers: [
      {
        files: {
          'etc/os-release': DEBIAN_OS_RELEASE,
          'usr/lib/node_modules/minimist/package.json': JSON.stringify({ name: 'minimist', version: minimist }),
        },
      },
      {
        files: {
          'app/main.js': `console.log(JSON.stringify({ status: 'ok', version: '${version}' }));\n`,
          [`srv/build-${run}`]: run,
        },
      },
    ],
    containerConfig: { Cmd: ['node', '/app/main.js'], User: '10001' },
  };
}
