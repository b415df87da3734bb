import { z } from 'zod';

/** Where an operator command was issued. */
export const ActorSource = z.enum(['slack', 'api', 'cli']).meta({
  description: 'Where the command was issued: a Slack button, the HTTP API, or the CLI.',
});
export type ActorSource = z.infer<typeof ActorSource>;

/** Who issued an operator command, as the channel they used authenticated them. */
export const Actor = z
  .object({
    /** Channel the command came through. */
    source: ActorSource,
    /** Stable id in that channel: Slack user id, API token subject or OS user. Used for authorisation and audit. */
    id: z.string().min(1).max(200).meta({
      description: 'Stable id in that channel: Slack user id, API token subject or OS user.',
    }),
    /** Display name, for the Slack thread and logs. */
    name: z.string().min(1).max(200).meta({ description: 'Display name, for the Slack thread and logs.' }),
  })
  .meta({ description: 'Who issued the command.' });
export type Actor = z.infer<typeof Actor>;
