/**
 * The parts of an OCI / Docker image configuration (the config blob a manifest points at) that
 * metadata checks read. Field names are the ones of the image spec, so the blob parses into it.
 */
export interface ImageConfig {
  readonly architecture?: string;
  readonly os?: string;
  readonly variant?: string;
  readonly config?: {
    readonly User?: string;
    readonly Env?: readonly string[] | null;
    readonly Entrypoint?: readonly string[] | null;
    readonly Cmd?: readonly string[] | null;
    readonly WorkingDir?: string;
    readonly ExposedPorts?: Readonly<Record<string, unknown>> | null;
    readonly Labels?: Readonly<Record<string, string>> | null;
  };
}

/** True when a `User` value (or a runner's `user`) means uid 0: empty, `root`, `0`, `0:…`, `root:…`. */
export function isRootUser(user: string | undefined): boolean {
  const name = (user ?? '').trim().split(':')[0]!;
  return name === '' || name === 'root' || /^0+$/.test(name);
}
