import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnModuleDestroy, Optional, type Provider } from '@nestjs/common';
import { EventPublisher } from '@portcullis/messaging';
import { httpRoutes, type ServiceKit, STATE_CLIENT } from '@portcullis/service-kit';
import { type StateClient } from '@portcullis/state';
import { GitMirrorCache, gitHostsOf } from '@portcullis/git';
import { createSecretScanner, type SecretScanner } from '@portcullis/secrets';
import { loadVulnDbSource } from '@portcullis/vulndb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaAuditResults } from './adapters/kafka-audit.results.js';
import { GitRepositoryMirrors } from './adapters/git-repository.mirrors.js';
import { KafkaTriageBus } from './adapters/kafka-triage.bus.js';
import { RedisIncidentIndex } from './adapters/redis-incident.index.js';
import { RedisRefTipStore } from './adapters/redis-ref-tip.store.js';
import { RedisTriageStore } from './adapters/redis-triage.store.js';
import { KafkaSweepRequests } from './adapters/kafka-sweep.requests.js';
import { AuditPush } from './audit/audit-push.use-case.js';
import { AuditDependencies } from './dependencies/audit-dependencies.js';
import { ReloadingVulnDb } from './dependencies/reloading-vuln-db.js';
import { PriorityGate } from './audit/priority-gate.js';
import { type RefTipStore, type SweepRequests } from './audit/audit.ports.js';
import { RequestSweep } from './audit/request-sweep.use-case.js';
import { auditorRoutesPlugin } from './http/auditor-routes.plugin.js';
import { APPLY_TRIAGE_DECISION, AUDITOR_LOGGER, OperatorCommandsController } from './operator-commands.controller.js';
import { AUDIT_PUSH, ScmEventsController } from './scm.events.controller.js';
import { type SecretAuditorConfig } from './secret-auditor.config.js';
import { ApplyTriageDecision } from './triage/apply-triage-decision.use-case.js';
import { DecideTriage } from './triage/decide-triage.use-case.js';
import { ListIncidents, ShowIncident } from './triage/list-incidents.use-case.js';
import { type Clock, type IncidentIndex, type TriageStore } from './triage/triage.ports.js';

/** Ports the audit use case injects too (the ref tips, and the views it reads and feeds). */
export const TRIAGE_STORE = Symbol('secret-auditor.triage-store');
export const INCIDENT_INDEX = Symbol('secret-auditor.incident-index');
export const REF_TIP_STORE = Symbol('secret-auditor.ref-tip-store');
export const SWEEP_REQUESTS = Symbol('secret-auditor.sweep-requests');

const SECRET_SCANNER = Symbol('secret-auditor.secret-scanner');
const VULN_DB = Symbol('secret-auditor.vuln-db');
const MIRROR_CACHE = Symbol('secret-auditor.mirror-cache');

/** Ends the scanner's worker threads when the app closes. */
@Injectable()
class ScannerShutdown implements OnModuleDestroy {
  constructor(@Inject(SECRET_SCANNER) private readonly scanner: SecretScanner) {}

  async onModuleDestroy(): Promise<void> {
    await this.scanner.close();
  }
}

/** Starts the database's refresh timer once the app is up and stops it on close. */
@Injectable()
class VulnDbRefresh implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Optional() @Inject(VULN_DB) private readonly db: ReloadingVulnDb | undefined) {}

  onApplicationBootstrap(): void {
    this.db?.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.db?.stop();
  }
}

/**
 * The OSV database of the dependency audit, loaded from AUDIT_VULNDB_PATH at boot (a bad source
 * stops the service with the reason, as in the image scanner). None without the variable.
 */
function vulnDbProviders(kit: ServiceKit<SecretAuditorConfig>, logger: SecretAuditorLogger): Provider[] {
  const { dependencies } = kit.config;
  if (dependencies.vulndbPath === '') return [];
  const load = () => loadVulnDbSource(dependencies.vulndbPath, { maxBytes: dependencies.vulndbDownloadMaxBytes, timeoutMs: dependencies.vulndbDownloadTimeoutMs });
  return [
    {
      provide: VULN_DB,
      useFactory: async () => {
        const db = await load();
        // The source is never logged (a URL may carry credentials); the version identifies it.
        logger.info({ version: db.version, records: db.report.records, issues: db.report.issueCount }, 'vulnerability database loaded for the dependency audit');
        return new ReloadingVulnDb(db, { load, refreshMs: dependencies.vulndbRefreshMs, logger });
      },
    },
    VulnDbRefresh,
  ];
}

type SecretAuditorLogger = ServiceKit<SecretAuditorConfig>['logger'];

/**
 * secret-auditor: consumes `scm.events` (placeholder until the audit use case lands) and the
 * `finding.triage` commands of `operator.commands` (into the Redis triage view); serves
 * `GET /v1/secrets/incidents[/:fingerprint]`, `PUT /v1/secrets/triage/:fingerprint` and
 * `POST /v1/secrets/sweeps`. Health, metrics, Kafka and Redis come from the global ServiceKitModule.
 */
@Module({})
export class SecretAuditorModule {
  static forRoot(kit: ServiceKit<SecretAuditorConfig>): DynamicModule {
    const { secrets, git } = kit.config;
    const logger = kit.logger.child({ component: 'secret-auditor' });
    // The fingerprint key and git tokens are config secrets (scrubbed from logs by the kit).
    return {
      module: SecretAuditorModule,
      controllers: [ScmEventsController, OperatorCommandsController],
      providers: [
        { provide: AUDITOR_LOGGER, useValue: logger },
        { provide: TRIAGE_STORE, inject: [STATE_CLIENT], useFactory: (state: StateClient) => new RedisTriageStore(state, secrets.triageTtlMs) },
        {
          provide: INCIDENT_INDEX,
          inject: [STATE_CLIENT],
          useFactory: (state: StateClient) => new RedisIncidentIndex(state, { ttlMs: secrets.incidentTtlMs, maxLocations: secrets.incidentMaxLocations }),
        },
        { provide: REF_TIP_STORE, inject: [STATE_CLIENT], useFactory: (state: StateClient) => new RedisRefTipStore(state, secrets.refTipTtlMs) },
        {
          provide: SWEEP_REQUESTS,
          inject: [EventPublisher],
          useFactory: (publisher: EventPublisher) => new KafkaSweepRequests(publisher, kit.config.api.publishTimeoutMs),
        },
        {
          provide: SECRET_SCANNER,
          useFactory: () =>
            createSecretScanner({
              fingerprintKey: Buffer.from(secrets.fingerprintKey),
              maxFileBytes: secrets.maxFileBytes,
              fileTimeBudgetMs: secrets.fileTimeBudgetMs,
              ...(secrets.workers > 0 ? { workers: secrets.workers } : {}),
            }),
        },
        {
          provide: MIRROR_CACHE,
          useFactory: () =>
            GitMirrorCache.open({
              directory: git.mirrorDir || join(tmpdir(), `portcullis-git-mirrors-${kit.config.identity.instanceId}`),
              maxBytes: git.mirrorMaxBytes,
              limits: { maxFileBytes: secrets.maxFileBytes, maxManifestBytes: secrets.maxFileBytes, maxCommits: git.maxCommits, fetchTimeoutMs: git.fetchTimeoutMs },
            }),
        },
        ...vulnDbProviders(kit, logger),
        {
          provide: AUDIT_PUSH,
          inject: [MIRROR_CACHE, SECRET_SCANNER, REF_TIP_STORE, TRIAGE_STORE, INCIDENT_INDEX, EventPublisher, { token: VULN_DB, optional: true }],
          useFactory: (
            cache: GitMirrorCache,
            scanner: SecretScanner,
            tips: RefTipStore,
            triage: TriageStore,
            incidents: IncidentIndex,
            publisher: EventPublisher,
            vulnDb: ReloadingVulnDb | undefined,
          ) =>
            new AuditPush({
              mirrors: new GitRepositoryMirrors(cache, gitHostsOf(git)),
              scanner,
              tips,
              triage,
              incidents,
              results: new KafkaAuditResults(publisher),
              ...(vulnDb
                ? {
                    dependencies: new AuditDependencies({
                      database: vulnDb,
                      now: () => performance.now(),
                      settings: { maxFileBytes: secrets.maxFileBytes, timeBudgetMs: kit.config.dependencies.timeBudgetMs },
                    }),
                  }
                : {}),
              priority: new PriorityGate(),
              clock: { now: () => new Date() },
              logger,
              settings: { platformFailOn: secrets.defaultFailOn, maxAttempts: kit.config.messaging.maxAttempts, maxPolicyBytes: 64 * 1024, maxFileBytes: secrets.maxFileBytes },
            }),
        },
        ScannerShutdown,
        { provide: APPLY_TRIAGE_DECISION, inject: [TRIAGE_STORE], useFactory: (store: TriageStore) => new ApplyTriageDecision({ store }) },
        httpRoutes(
          'triage and sweep API',
          [EventPublisher, TRIAGE_STORE, INCIDENT_INDEX, SWEEP_REQUESTS],
          (publisher: EventPublisher, triage: TriageStore, incidents: IncidentIndex, sweeps: SweepRequests) => {
            const { api } = kit.config;
            const clock: Clock = { now: () => new Date() };
            return auditorRoutesPlugin({
              apiToken: api.token,
              maxBodyBytes: api.maxBodyBytes,
              retryAfterSeconds: api.retryAfterSeconds,
              decideTriage: new DecideTriage({ bus: new KafkaTriageBus(publisher, api.publishTimeoutMs), incidents, clock }),
              listIncidents: new ListIncidents({ incidents, triage, clock }),
              showIncident: new ShowIncident({ incidents, triage, clock }),
              requestSweep: new RequestSweep({ sweeps, clock }),
              logger,
            });
          },
        ),
      ],
      exports: [TRIAGE_STORE, INCIDENT_INDEX, REF_TIP_STORE, SWEEP_REQUESTS],
    };
  }
}
