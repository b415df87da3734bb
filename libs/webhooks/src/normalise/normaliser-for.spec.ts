import { describe, expect, it } from 'vitest';
import { type WebhookSourceKind } from '../delivery/webhook-source.js';
import { normaliseBitbucketDataCenter } from './bitbucket-dc.normaliser.js';
import { normaliseBitbucketCloud } from './bitbucket.normaliser.js';
import { normaliseCiBuild } from './ci-build.normaliser.js';
import { normaliseDistribution } from './distribution.normaliser.js';
import { normaliseDockerHub } from './dockerhub.normaliser.js';
import { normaliseGitea } from './gitea.normaliser.js';
import { normaliseGithub } from './github.normaliser.js';
import { normaliseGitlab } from './gitlab.normaliser.js';
import { normaliseHarbor } from './harbor.normaliser.js';
import { normaliserFor } from './normaliser-for.js';

describe('normaliserFor', () => {
  it.each<[WebhookSourceKind, unknown]>([
    ['github', normaliseGithub],
    ['gitlab', normaliseGitlab],
    ['bitbucket', normaliseBitbucketCloud],
    ['bitbucket-dc', normaliseBitbucketDataCenter],
    ['gitea', normaliseGitea],
    ['forgejo', normaliseGitea],
    ['harbor', normaliseHarbor],
    ['distribution', normaliseDistribution],
    ['dockerhub', normaliseDockerHub],
    ['ci', normaliseCiBuild],
  ])('dispatches %s', (provider, normaliser) => {
    const sut = normaliserFor;
    expect(sut(provider)).toBe(normaliser);
  });
});
