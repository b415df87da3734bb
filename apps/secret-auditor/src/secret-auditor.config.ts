import { type InferConfig } from '@portcullis/config';
import { baseServiceConfig } from '@portcullis/service-kit';

/**
 * The configuration secret-auditor reads at start-up: what every service has, with the HTTP server on
 * 8081 by default. Its own variables go into the second argument of `baseServiceConfig`.
 * Kept apart from main.ts so tools/generators/config-docs.mjs can import it without booting the
 * service (see docs/configuration.md).
 */
export const secretAuditorConfig = baseServiceConfig(8081);
export type SecretAuditorConfig = InferConfig<typeof secretAuditorConfig>;
