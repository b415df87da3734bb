import { describe, expect, it } from 'vitest';
import { parseManifests } from './parse-manifests.js';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

const deployment = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 1\n`;

describe('parseManifests', () => {
  it('reads every document of every *.yaml / *.yml file in path order, skips empty documents and other files', () => {
    const sut = parseManifests(
      files({
        'b/service.yml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n',
        'a/deploy.yaml': `---\n# only a comment\n---\n${deployment('web')}---\n\n---\n${deployment('worker')}`,
        'README.md': 'apiVersion: not yaml at all: [',
        'values.json': '{}',
      }),
    );

    expect(sut.problems).toEqual([]);
    expect(sut.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web', 'Deployment/worker', 'Service/web']);
    expect(sut.objects[2]!.metadata.namespace).toBe('shop');
  });

  it('flattens List kinds and validates each item', () => {
    const sut = parseManifests(
      files({
        'list.yaml': [
          'apiVersion: v1',
          'kind: List',
          'items:',
          '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: one}}',
          '  - {apiVersion: v1, kind: ConfigMap, metadata: {}}',
          '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: three}}',
        ].join('\n'),
      }),
    );

    expect(sut.objects.map((o) => o.metadata.name)).toEqual(['one', 'three']);
    expect(sut.problems).toEqual([{ file: 'list.yaml', document: 0, item: 1, message: 'ConfigMap object lacks metadata.name' }]);
  });

  it('reports objects without apiVersion, kind or metadata.name, non-mappings and syntax errors with file and document index', () => {
    const sut = parseManifests(
      files({
        'bad.yaml': `kind: Service\nmetadata:\n  name: x\n---\n- just\n- a list\n---\n${deployment('ok')}---\nmetadata: {name: [unclosed\n`,
        'noname.yaml': 'apiVersion: v1\nkind: ConfigMap\n',
      }),
    );

    expect(sut.objects.map((o) => o.metadata.name)).toEqual(['ok']);
    expect(sut.problems.map((p) => [p.file, p.document])).toEqual([
      ['bad.yaml', 0],
      ['bad.yaml', 1],
      ['bad.yaml', 3],
      ['noname.yaml', 0],
    ]);
    expect(sut.problems[0]!.message).toBe('Service object lacks apiVersion');
    expect(sut.problems[1]!.message).toMatch(/must be a mapping/);
    expect(sut.problems[2]!.message).toMatch(/^invalid YAML/);
    expect(sut.problems[3]!.message).toBe('ConfigMap object lacks metadata.name');
  });

  it('reports duplicate keys and duplicate objects instead of silently picking one', () => {
    const sut = parseManifests(
      files({
        'a.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: false\n  hostNetwork: true\n',
        'b.yaml': `${deployment('web')}---\n${deployment('web')}`,
      }),
    );

    expect(sut.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/web']);
    expect(sut.problems).toEqual([
      { file: 'a.yaml', document: 0, message: expect.stringMatching(/invalid YAML.*unique/i) as unknown },
      { file: 'b.yaml', document: 1, message: 'Deployment web is already defined in b.yaml#0' },
    ]);
  });

  it('reads YAML 1.1 the way kubectl does: yes is true, merge keys apply', () => {
    const sut = parseManifests(
      files({
        'pod.yaml': [
          'apiVersion: v1',
          'kind: Pod',
          'metadata: {name: p}',
          'x-defaults: &defaults {privileged: yes}',
          'spec:',
          '  containers:',
          '    - name: app',
          '      securityContext:',
          '        <<: *defaults',
        ].join('\n'),
      }),
    );

    expect(sut.problems).toEqual([]);
    expect(sut.objects[0]!['spec']).toEqual({ containers: [{ name: 'app', securityContext: { privileged: true } }] });
  });

  it('stops a YAML alias bomb ("billion laughs") at the alias limit without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n${levels.join('\n')}\n`;

    const sut = parseManifests(files({ 'bomb.yaml': bomb }));

    expect(sut.objects).toEqual([]);
    expect(sut.problems).toEqual([{ file: 'bomb.yaml', document: 0, message: expect.stringMatching(/alias/i) as unknown }]);
  });

  it('refuses more documents than the limit and stops reading', () => {
    const many = Array.from({ length: 6 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`).join('---\n');

    const sut = parseManifests(files({ 'a.yaml': many, 'b.yaml': deployment('never-read') }), { maxDocuments: 5 });

    expect(sut.objects).toHaveLength(5);
    expect(sut.problems).toEqual([{ file: 'a.yaml', document: -1, message: 'more than 5 YAML documents; the rest of the manifests were not read' }]);
  });

  it('refuses nesting deeper than the limit, in block and in flow style, without recursing into it', () => {
    const block = Array.from({ length: 70 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' x\n';
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: f}\ndata: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;

    const sut = parseManifests(files({ 'block.yaml': `${deployment('before')}---\n${block}---\n${deployment('after')}`, 'flow.yaml': flow }));

    expect(sut.objects.map((o) => o.metadata.name)).toEqual(['before', 'after']);
    expect(sut.problems).toEqual([
      { file: 'block.yaml', document: 1, message: 'nested deeper than 64 levels' },
      { file: 'flow.yaml', document: 0, message: 'nested deeper than 64 levels; the rest of the file was not read' },
    ]);
  });

  it('refuses input over the total size before parsing anything', () => {
    const sut = parseManifests(files({ 'a.yaml': deployment('web'), 'b.yaml': 'x'.repeat(200) }), { maxTotalBytes: 100 });

    expect(sut.objects).toEqual([]);
    expect(sut.problems).toEqual([{ file: '', document: -1, message: expect.stringMatching(/over the limit of 100/) as unknown }]);
  });

  it('never quotes a value from the source in a problem', () => {
    const sut = parseManifests(files({ 's.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: "hunter2-super-secret\n' }));

    expect(sut.problems).toHaveLength(1);
    expect(JSON.stringify(sut.problems)).not.toContain('hunter2');
  });
});
