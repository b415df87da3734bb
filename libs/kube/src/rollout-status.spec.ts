import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isHealthy, rolloutStatus } from './rollout-status.js';

function deployment(status: Partial<NonNullable<V1Deployment['status']>>, options: { generation?: number; replicas?: number } = {}): V1Deployment {
  return {
    metadata: { name: 'shop', generation: options.generation ?? 2 },
    spec: { replicas: options.replicas ?? 3, selector: {}, template: {} },
    status: { observedGeneration: 2, ...status },
  };
}

const progressing = (reason: string, status = 'True'): V1DeploymentCondition => ({ type: 'Progressing', status, reason, message: `m-${reason}` });
const clock = { deadlineAt: 10_000, now: 5_000 };
const late = { deadlineAt: 10_000, now: 10_000 };

describe('rolloutStatus', () => {
  it('is complete when every replica is updated and available and no old ones remain', () => {
    const sut = deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: [progressing('NewReplicaSetAvailable')] });
    expect(rolloutStatus(sut, clock)).toMatchObject({ kind: 'complete' });
  });

  it('waits while the controller has not observed the current generation, even if counts look done', () => {
    const sut = deployment({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }, { generation: 2 });
    expect(rolloutStatus(sut, clock)).toMatchObject({ kind: 'progressing', message: expect.stringContaining('generation 2') });
  });

  it.each([
    ['replicas not yet updated', { replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 }, '1 of 3 replicas updated'],
    ['old replicas still terminating', { replicas: 4, updatedReplicas: 3, readyReplicas: 4, availableReplicas: 4 }, '1 old replicas'],
    ['updated replicas not available', { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 2 }, '2 of 3 updated replicas available'],
    ['updated replicas not ready', { replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 3 }, '1 of 3'],
  ])('is progressing with %s', (_case, status, message) => {
    expect(rolloutStatus(deployment(status), clock)).toEqual({ kind: 'progressing', message: expect.stringContaining(message) });
  });

  it('fails at our deadline when still progressing', () => {
    const sut = deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 0, availableReplicas: 0 });
    expect(rolloutStatus(sut, late)).toMatchObject({ kind: 'failed', reason: 'ProgressDeadlineExceeded', message: expect.stringContaining('0 of 3') });
  });

  it('fails before our deadline when the controller reports ProgressDeadlineExceeded', () => {
    const sut = deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 0, conditions: [progressing('ProgressDeadlineExceeded', 'False')] });
    expect(rolloutStatus(sut, clock)).toMatchObject({ kind: 'failed', reason: 'ProgressDeadlineExceeded', message: 'shop: m-ProgressDeadlineExceeded' });
  });

  it('names a ReplicaFailure (quota, admission) when the deadline passes with one', () => {
    const sut = deployment({
      replicas: 0,
      updatedReplicas: 0,
      conditions: [{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'exceeded quota' }],
    });
    expect(rolloutStatus(sut, clock).kind).toBe('progressing');
    expect(rolloutStatus(sut, late)).toMatchObject({ kind: 'failed', reason: 'ReplicaFailure', message: expect.stringContaining('exceeded quota') });
  });

  it('a complete rollout stays complete after the deadline', () => {
    const sut = deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(rolloutStatus(sut, late).kind).toBe('complete');
  });

  it('scaled to zero is complete', () => {
    expect(rolloutStatus(deployment({}, { replicas: 0 }), clock).kind).toBe('complete');
  });
});

describe('isHealthy', () => {
  it('needs every desired replica ready and available', () => {
    expect(isHealthy(deployment({ readyReplicas: 3, availableReplicas: 3 }))).toBe(true);
    expect(isHealthy(deployment({ readyReplicas: 2, availableReplicas: 3 }))).toBe(false);
    expect(isHealthy(deployment({ readyReplicas: 3, availableReplicas: 2 }))).toBe(false);
  });
});
