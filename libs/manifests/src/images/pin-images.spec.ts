import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube-object.js';
import { pinImages, type ImageToPin } from './pin-images.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const api: ImageToPin = { registry: 'registry.example.com', repository: 'acme/shop-api', digest: D1 };
const nginx: ImageToPin = { registry: 'docker.io', repository: 'library/nginx', digest: D2 };
const unused: ImageToPin = { registry: 'registry.example.com', repository: 'acme/never-used', digest: D2 };

const podSpec = (image: string, init: string) => ({
  containers: [{ name: 'app', image }, { name: 'sidecar', image: 'busybox:1.36' }],
  initContainers: [{ name: 'migrate', image: init }],
});

const objects: KubeObject[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: podSpec('registry.example.com/acme/shop-api:1.2.3', 'registry.example.com/acme/shop-api-migrate:1.2.3') } } },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { template: { spec: podSpec('nginx:1.27', 'nginx:1.27') } } },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: { spec: podSpec('docker.io/library/nginx', 'registry.example.com/nginx') } } },
  { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' }, spec: { template: { spec: podSpec(`registry.example.com/acme/shop-api@${D2}`, 'registry.example.com/acme/shop-api') } } },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly' },
    spec: { jobTemplate: { spec: { template: { spec: podSpec('registry.example.com/acme/shop-api:latest', 'busybox') } } } },
  },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug' },
    spec: { ...podSpec('busybox', 'busybox'), ephemeralContainers: [{ name: 'dbg', image: 'index.docker.io/nginx:latest' }] },
  },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { image: 'registry.example.com/acme/shop-api:1.2.3' } },
];

describe('pinImages', () => {
  it('pins every release image in every workload kind and container list, leaving other images alone', () => {
    const sut = pinImages(objects, [api, nginx, unused]);

    const images = sut.objects.map((o) => JSON.stringify(o).match(/"image":"[^"]+"/g));
    expect(images).toEqual([
      [`"image":"registry.example.com/acme/shop-api@${D1}"`, '"image":"busybox:1.36"', '"image":"registry.example.com/acme/shop-api-migrate:1.2.3"'],
      [`"image":"docker.io/library/nginx@${D2}"`, '"image":"busybox:1.36"', `"image":"docker.io/library/nginx@${D2}"`],
      [`"image":"docker.io/library/nginx@${D2}"`, '"image":"busybox:1.36"', '"image":"registry.example.com/nginx"'],
      [`"image":"registry.example.com/acme/shop-api@${D1}"`, '"image":"busybox:1.36"', `"image":"registry.example.com/acme/shop-api@${D1}"`],
      [`"image":"registry.example.com/acme/shop-api@${D1}"`, '"image":"busybox:1.36"', '"image":"busybox"'],
      ['"image":"busybox"', '"image":"busybox:1.36"', '"image":"busybox"', `"image":"docker.io/library/nginx@${D2}"`],
      ['"image":"registry.example.com/acme/shop-api:1.2.3"'], // ConfigMap data: not a container, untouched
    ]);
    expect(sut.pinned).toContainEqual({
      object: 'CronJob/nightly',
      field: 'spec.jobTemplate.spec.template.spec.containers[0].image',
      from: 'registry.example.com/acme/shop-api:latest',
      to: `registry.example.com/acme/shop-api@${D1}`,
    });
    expect(sut.pinned.map((p) => p.field)).toContain('spec.ephemeralContainers[0].image');
    expect(sut.unused).toEqual([unused]);
  });

  it('does not mutate its input', () => {
    const before = structuredClone(objects);
    pinImages(objects, [api, nginx]);
    expect(objects).toEqual(before);
  });

  it('matches declared Docker Hub images written the short way', () => {
    const sut = pinImages(objects.slice(1, 2), [{ registry: 'docker.io', repository: 'nginx', digest: D2 }]);
    expect(sut.pinned.map((p) => p.to)).toEqual([`docker.io/library/nginx@${D2}`, `docker.io/library/nginx@${D2}`]);
    expect(sut.unused).toEqual([]);
  });

  it('refuses one repository declared with two digests', () => {
    expect(() => pinImages(objects, [api, { ...api, digest: D2 }])).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
