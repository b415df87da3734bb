/**
 * Named sets of paths that must not exist in an image (`content.forbid: [shells, git]`). Globs are
 * anchored at the image root; `except` lists what a preset deliberately leaves alone.
 */
export interface ForbiddenPreset {
  readonly description: string;
  readonly globs: readonly string[];
  readonly except?: readonly string[];
  /** Files matching these globs are also read (first bytes) and fail when the content matches. */
  readonly content?: { readonly globs: readonly string[]; readonly pattern: string; readonly what: string };
}

const BIN_DIRS = '{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/sbin}';

export const FORBIDDEN_PRESETS = {
  'package-managers': {
    description: 'OS and language package managers (apt, dpkg, apk, yum, dnf, rpm, pip, npm, …)',
    globs: [`${BIN_DIRS}/{apt,apt-get,aptitude,dpkg,apk,yum,dnf,microdnf,rpm,zypper,pacman,pip,pip3,pip2,npm,npx,yarn,pnpm,gem,composer}`],
  },
  shells: {
    description: 'command shells (sh, bash, dash, ash, zsh, ksh, busybox, …)',
    globs: [`${BIN_DIRS}/{sh,bash,dash,ash,zsh,ksh,mksh,csh,tcsh,fish,busybox}`],
  },
  git: {
    description: 'git metadata (`.git` directories or files) left in the image',
    globs: ['**/.git', '**/.git/**'],
  },
  'private-keys': {
    description: 'private key files (SSH identities, `.key`, PKCS#12) and PEM files holding a private key',
    globs: ['**/id_{rsa,dsa,ecdsa,ed25519}', '**/*.{key,p12,pfx}'],
    content: { globs: ['**/*.{pem,crt,cer}'], pattern: '-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----', what: 'a PEM private key' },
  },
  dotenv: {
    description: '`.env` files (examples and templates excepted)',
    globs: ['**/.env', '**/.env.*'],
    except: ['**/.env.{example,sample,template,dist,defaults}'],
  },
  'credential-files': {
    description: 'client credential files (.npmrc, .pypirc, .netrc, .git-credentials, docker and cloud CLI configs)',
    globs: ['**/.npmrc', '**/.pypirc', '**/.netrc', '**/.git-credentials', '**/.docker/config.json', '**/.aws/credentials', '**/.kube/config'],
  },
} as const satisfies Record<string, ForbiddenPreset>;

export type ForbiddenPresetName = keyof typeof FORBIDDEN_PRESETS;
export const FORBIDDEN_PRESET_NAMES = Object.keys(FORBIDDEN_PRESETS) as [ForbiddenPresetName, ...ForbiddenPresetName[]];
