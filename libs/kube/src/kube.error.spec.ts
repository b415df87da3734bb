import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { toKubeError, type KubeCallContext } from './kube.error.js';

const ctx: KubeCallContext = { verb: 'patch', resource: 'services', namespace: 'shop-staging', name: 'shop' };
const apiError = (code: number, body: unknown): ApiException<unknown> => new ApiException(code, 'Unsuccessful HTTP Request', typeof body === 'string' ? body : JSON.stringify(body), {});

describe('toKubeError', () => {
  it('403 is permanent and names verb, resource, namespace and the user from the Status body', () => {
    const sut = toKubeError(
      apiError(403, { kind: 'Status', reason: 'Forbidden', message: 'services "shop" is forbidden: User "system:serviceaccount:portcullis:deploy-orchestrator" cannot patch resource "services" in API group "" in the namespace "shop-staging"' }),
      ctx,
    );
    expect(sut).toMatchObject({ code: 'KUBE_FORBIDDEN', disposition: 'permanent', status: 403 });
    expect(sut.message).toContain('system:serviceaccount:portcullis:deploy-orchestrator may not patch services in namespace shop-staging');
  });

  it('404 of the namespace is permanent; 404 of an object is KUBE_NOT_FOUND', () => {
    expect(toKubeError(apiError(404, { reason: 'NotFound', details: { name: 'shop-staging', kind: 'namespaces' } }), ctx)).toMatchObject({ code: 'KUBE_NAMESPACE_NOT_FOUND', disposition: 'permanent' });
    expect(toKubeError(apiError(404, { reason: 'NotFound', details: { name: 'shop', kind: 'services' } }), ctx)).toMatchObject({ code: 'KUBE_NOT_FOUND' });
  });

  it('422 is permanent and lists the field causes', () => {
    const sut = toKubeError(apiError(422, { details: { causes: [{ field: 'spec.replicas', message: 'must be greater than or equal to 0' }] } }), ctx);
    expect(sut).toMatchObject({ code: 'KUBE_INVALID', disposition: 'permanent' });
    expect(sut.message).toContain('spec.replicas: must be greater than or equal to 0');
  });

  it.each([500, 503, 429])('%i is retryable with a retry hint', (status) => {
    const sut = toKubeError(apiError(status, { message: 'etcdserver: leader changed', details: { retryAfterSeconds: 3 } }), ctx);
    expect(sut).toMatchObject({ code: 'KUBE_UNAVAILABLE', disposition: 'retry', retryAfterMs: 3_000 });
  });

  it('409 is a retryable conflict', () => {
    expect(toKubeError(apiError(409, { reason: 'Conflict' }), ctx)).toMatchObject({ code: 'KUBE_CONFLICT', disposition: 'retry' });
  });

  it('connection refused and timeouts are retryable', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(toKubeError(refused, ctx)).toMatchObject({ code: 'KUBE_UNAVAILABLE', disposition: 'retry', message: expect.stringContaining('ECONNREFUSED') });
    expect(toKubeError(new DOMException('timed out', 'TimeoutError'), ctx)).toMatchObject({ code: 'KUBE_UNAVAILABLE', disposition: 'retry' });
  });

  it('never lets a token or key material into the message', () => {
    const sut = toKubeError(apiError(500, { message: 'bad Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln and -----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----' }), ctx);
    expect(sut.message).not.toContain('eyJhbGci');
    expect(sut.message).not.toContain('abc');
    expect(sut.message).toContain('[redacted]');
  });
});
