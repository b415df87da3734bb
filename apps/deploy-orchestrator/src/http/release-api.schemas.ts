import { EnvironmentName, OpaqueId, ReleaseId } from '@portcullis/contracts';
import { z } from 'zod';

export const ReleaseParams = z.strictObject({ releaseId: ReleaseId });

export const EnvironmentParams = z.strictObject({ releaseId: ReleaseId, environment: EnvironmentName });

/** Who asks, and an optional id that makes a retried request harmless. */
const commandFields = {
  by: z.string().trim().min(1).max(200),
  requestId: OpaqueId.optional(),
};

export const ApproveBody = z.strictObject({ ...commandFields, comment: z.string().max(500).optional() });
export const PromoteBody = ApproveBody;
export const RollbackBody = z.strictObject({ ...commandFields, reason: z.string().trim().min(1).max(500) });
