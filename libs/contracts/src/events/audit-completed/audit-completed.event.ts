import { z } from 'zod';
import { RepoNotifyReading } from '../common/notify.js';
import { ReleaseId } from '../common/release-id.js';
import { CommitSha, GitRef, RepositoryRef } from '../common/repository.js';
import { eventKind, ReasonCode, Sha256Hex } from '../common/scalars.js';
import { PolicySummary, Severity, SeverityCounts, Verdict } from '../common/severity.js';
import { TriageState } from '../common/triage-state.js';
import { DependencyAudit } from './dependency-audit.js';

export * from './dependency-audit.js';

/** The commits an audit covered. */
export const CommitRange = z
  .object({
    /** Exclusive start; all zeros for a new branch (then only commits not reachable from other branches are audited). */
    before: CommitSha.meta({
      description: 'Exclusive start; all zeros for a new branch (then only commits not on other branches are audited).',
    }),
    /** Inclusive end: the release commit. */
    after: CommitSha.meta({ description: 'Inclusive end: the release commit.' }),
  })
  .meta({ description: 'The commits an audit covered, `before..after`.' });

/**
 * A secret or manifest finding. It never carries the value it found: the fingerprint is an HMAC
 * with a platform key (so short secrets cannot be brute-forced from it) and the preview is masked.
 */
export const AuditFinding = z
  .object({
    /** Id of the rule that matched (e.g. `github-pat`, `k8s-plain-secret`). */
    ruleId: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : -')
      .meta({ description: 'Id of the rule that matched (e.g. `github-pat`, `k8s-plain-secret`).' }),
    /** `secret`: a credential in content; `manifest`: a Kubernetes manifest that exposes one (plain `Secret`, literal `env`). */
    kind: z.enum(['secret', 'manifest']).meta({
      description: '`secret`: a credential in content; `manifest`: a Kubernetes manifest that exposes one (plain `Secret`, literal `env`).',
    }),
    /** Severity the rule assigns. */
    severity: Severity.meta({ description: 'Severity the rule assigns.' }),
    /** HMAC-SHA256 (hex) of the secret value under the platform key: the identity triage decisions attach to. */
    fingerprint: Sha256Hex.meta({
      description: 'HMAC-SHA256 (hex) of the secret value under the platform key: the identity triage decisions attach to.',
    }),
    /** The matched text with the secret masked by at least three `*`, e.g. `token = ghp_****…`; never the value. */
    preview: z
      .string()
      .max(120)
      .regex(/\*{3}/, 'a masked preview containing ***')
      .meta({ description: 'The matched text with the secret masked by at least three `*`, e.g. `token = "ghp_****"`; never the value.' }),
    /** Path of the file in the repository. */
    path: z.string().min(1).max(512).meta({ description: 'Path of the file in the repository.' }),
    /** 1-based line of the match. */
    line: z.number().int().min(1).max(100_000_000).meta({ description: '1-based line of the match.' }),
    /** Commit that added the line. */
    commit: CommitSha.meta({ description: 'Commit that added the line.' }),
    /** Author of that commit, as recorded in it. */
    author: z.string().max(200).meta({ description: 'Author of that commit, as recorded in it.' }),
    /** Triage state of the fingerprint when the audit ran. */
    triage: TriageState.meta({ description: 'Triage state of the fingerprint when the audit ran.' }),
  })
  .meta({ description: 'A redacted secret or manifest finding.' });
export type AuditFinding = z.infer<typeof AuditFinding>;

/** A file the audit did not scan, and why: the gap is reported, never silent. */
export const AuditSkip = z
  .object({
    /** Path of the skipped file. */
    path: z.string().min(1).max(512).meta({ description: 'Path of the skipped file.' }),
    /** Why: `TOO_LARGE`, `BINARY`, `TIME_BUDGET`, `LFS_POINTER`, `UNREADABLE`, … */
    reason: ReasonCode.meta({ description: 'Why: `TOO_LARGE`, `BINARY`, `TIME_BUDGET`, `LFS_POINTER`, `UNREADABLE`, …' }),
  })
  .meta({ description: 'A file the audit did not scan.' });
export type AuditSkip = z.infer<typeof AuditSkip>;

const bounded = (description: string) => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description });

/** The secret audit of one release finished. */
export const AuditCompletedEvent = z
  .object({
    /** Event kind (discriminator). */
    kind: eventKind('audit.completed'),
    /** The release audited (`repository@range.after`). */
    releaseId: ReleaseId.meta({ description: 'The release audited (`repository@range.after`).' }),
    /** The audited repository. */
    repository: RepositoryRef.meta({ description: 'The audited repository.' }),
    /** Ref whose push triggered the audit. */
    ref: GitRef.meta({ description: 'Ref whose push triggered the audit.' }),
    /** Commits covered. */
    range: CommitRange,
    /** Gate outcome under `policy`. */
    verdict: Verdict.meta({ description: 'Gate outcome under `policy`.' }),
    /** Findings per severity that count against the verdict (suppressed ones excluded), including those `findings` leaves out. */
    counts: SeverityCounts.meta({
      description: 'Findings per severity that count against the verdict (suppressed ones excluded), including those `findings` leaves out.',
    }),
    /** Findings, most severe first (at most 500). */
    findings: z.array(AuditFinding).max(500).meta({ description: 'Findings, most severe first (at most 500).' }),
    /** True when there were more findings than `findings` holds. */
    findingsTruncated: z.boolean().meta({ description: 'True when there were more findings than `findings` holds.' }),
    /** Files not scanned, with the reason (at most 100). */
    skips: z.array(AuditSkip).max(100).meta({ description: 'Files not scanned, with the reason (at most 100).' }),
    /** True when more files were skipped than `skips` holds. */
    skipsTruncated: z.boolean().meta({ description: 'True when more files were skipped than `skips` holds.' }),
    /** Policy the verdict was reached with. */
    policy: PolicySummary,
    /**
     * The `notify:` section of `.portcullis.yaml` at the audited commit, read from the same file as
     * the policy so the notifier never reads git: settings, or `invalid` with the problems for the
     * owners. Absent when the file or the section is absent. Never changes `verdict`.
     */
    repoNotify: RepoNotifyReading.optional().meta({
      description:
        'The `notify:` section of `.portcullis.yaml` at the audited commit: settings, or `invalid` with the problems. Absent when the file or the section is absent; never changes `verdict`.',
    }),
    /**
     * The lockfiles the push changed (package-lock.json, yarn.lock, pnpm-lock.yaml,
     * requirements*.txt, poetry.lock, go.sum, pom.xml), their pinned versions matched against the
     * OSV database. Absent when the push changed no lockfile or the auditor has no database
     * configured; added in a compatible way (consumers that do not know it ignore it). Never
     * changes `verdict`.
     */
    dependencies: DependencyAudit.optional(),
    /** How much was scanned. */
    stats: z
      .object({
        /** Commits scanned. */
        commits: bounded('Commits scanned.'),
        /** Files scanned (added lines or whole manifests). */
        files: bounded('Files scanned (added lines or whole manifests).'),
        /** Wall time of the audit in milliseconds. */
        durationMs: bounded('Wall time of the audit in milliseconds.'),
      })
      .meta({ description: 'How much was scanned.' }),
  })
  .meta({ description: 'The secret and manifest audit of a pushed range finished with a verdict.' });
export type AuditCompletedEvent = z.infer<typeof AuditCompletedEvent>;
