import { Actor } from './actor.js';
import { OpaqueId } from './scalars.js';
import { RepositoryRef } from './repository.js';

/**
 * Fields of every operator command. The repository is the Kafka key, so the commands about one
 * repository are applied in the order they were given.
 */
export const operatorCommandFields = {
  /** Client-chosen id of this command; the consumer applies a request id once, so retries and double clicks are harmless. */
  requestId: OpaqueId.meta({
    description: 'Client-chosen id of this command; consumers apply a request id once, so retries and double clicks are harmless.',
  }),
  /** Who issued the command, as authenticated by the channel it came through. */
  actor: Actor.meta({ description: 'Who issued the command, as authenticated by the channel it came through.' }),
  /** Repository the command is about (the Kafka key). */
  repository: RepositoryRef.meta({ description: 'Repository the command is about (the Kafka key).' }),
};
