import { CommitSha, GitProvider, ImageDigest, ImageRepositoryPath, NAME_PATTERN, OWNER_PATTERN, RegistryHost, RepositoryRef } from '@portcullis/contracts';
import { z } from 'zod';

/** `GET /v1/images/:digest/openvex` path: the digest the scan was cached under (manifest or index). */
export const OpenVexParams = z.strictObject({ digest: ImageDigest });

const REPOSITORY = new RegExp(`^(${GitProvider.options.join('|')})/(${OWNER_PATTERN})/(${NAME_PATTERN})$`);
const IMAGE = /^([^/]+)\/(.+)$/;

/**
 * Its query. `repository` (`provider/owner/name`) and `commit` come together: the repository's
 * policy at that commit applies; without them the platform default does. `image`
 * (`registry/repository`) names the product in the document's purls; the digest alone cannot.
 */
export const OpenVexQuery = z
  .strictObject({
    platform: z
      .string()
      .max(64)
      .regex(/^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/, 'os/arch[/variant]')
      .optional(),
    repository: z
      .string()
      .max(400)
      .regex(REPOSITORY, 'provider/owner/name, e.g. github/acme/shop')
      .transform((value, ctx) => {
        const [, provider, owner, name] = REPOSITORY.exec(value)!;
        const parsed = RepositoryRef.safeParse({ provider, owner, name });
        if (parsed.success) return parsed.data;
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
        return z.NEVER;
      })
      .optional(),
    commit: CommitSha.optional(),
    image: z
      .string()
      .max(512)
      .regex(IMAGE, 'registry/repository, e.g. ghcr.io/acme/shop')
      .transform((value, ctx) => {
        const [, registry, repository] = IMAGE.exec(value)!;
        const parsed = z.object({ registry: RegistryHost, repository: ImageRepositoryPath }).safeParse({ registry, repository });
        if (parsed.success) return parsed.data;
        for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: `${issue.path.join('.')}: ${issue.message}` });
        return z.NEVER;
      })
      .optional(),
    suppressedOnly: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  })
  .refine((q) => (q.repository === undefined) === (q.commit === undefined), { message: 'repository and commit are given together or not at all', path: ['commit'] });
export type OpenVexQuery = z.output<typeof OpenVexQuery>;
