import { type FactoryProvider, type InjectionToken } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyAdapter } from '@nestjs/platform-fastify';
import { type FastifyInstance } from './json-api.js';

/** A routes plugin as the services write them: registered on the app's Fastify instance. */
export type RoutesPlugin = (scope: FastifyInstance) => Promise<void>;

/**
 * A provider that mounts a routes plugin on the app's Fastify instance while the app is created,
 * before it listens, with the plugin built from other providers — how every service adds its HTTP
 * API next to the health and metrics routes:
 *
 *     httpRoutes('release API', [EventPublisher, RELEASE_STORE], (publisher: EventPublisher, releases: ReleaseStore) =>
 *       releaseRoutesPlugin({ apiToken, publisher, releases, logger }))
 */
export function httpRoutes<Deps extends unknown[]>(name: string, inject: readonly InjectionToken[], plugin: (...deps: Deps) => RoutesPlugin): FactoryProvider {
  return {
    provide: Symbol(`http-routes:${name}`),
    inject: [HttpAdapterHost, ...inject],
    useFactory: async (host: HttpAdapterHost<FastifyAdapter>, ...deps: Deps): Promise<string> => {
      await host.httpAdapter.getInstance().register(plugin(...deps));
      return name;
    },
  };
}
