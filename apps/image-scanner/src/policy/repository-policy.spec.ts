import { describe, expect, it } from 'vitest';
import { readRepositoryPolicy, type PolicyFile } from './repository-policy.js';

const platform = { failOn: 'high', requireFix: true } as const;
const missing: PolicyFile = { kind: 'missing' };
const found = (text: string): PolicyFile => ({ kind: 'found', text });

describe('readRepositoryPolicy', () => {
  it('is the platform default when neither file exists', () => {
    const sut = readRepositoryPolicy({ portcullisYaml: missing, trivyignore: missing }, platform);
    expect(sut).toEqual({ resolved: { policy: { failOn: 'high', requireFix: true, suppressions: [] }, source: 'default' }, notes: [] });
  });

  it('is the default for an empty file or one without an images section', () => {
    expect(readRepositoryPolicy({ portcullisYaml: found('# nothing yet\n'), trivyignore: missing }, platform).resolved.source).toBe('default');
    expect(readRepositoryPolicy({ portcullisYaml: found('secrets:\n  failOn: low\n'), trivyignore: missing }, platform).resolved).toEqual({
      policy: { failOn: 'high', requireFix: true, suppressions: [] },
      source: 'default',
      secrets: { policy: { source: 'repository', failOn: 'low', suppressions: [], ignorePaths: [] } },
    });
  });

  it('merges the images section with the .trivyignore entries', () => {
    const yaml = 'images:\n  failOn: medium\n  suppressions:\n    - id: CVE-2024-1\n      until: 2027-01-31\n      reason: not reachable\n      owner: team-a\n';
    const sut = readRepositoryPolicy({ portcullisYaml: found(yaml), trivyignore: found('# vendored\nGHSA-aaaa-bbbb-cccc exp:2027-02-01\n') }, platform);
    expect(sut.resolved.source).toBe('repository');
    expect(sut.resolved.invalid).toBeUndefined();
    expect(sut.resolved.policy.failOn).toBe('medium');
    expect(sut.resolved.policy.suppressions).toEqual([
      { id: 'CVE-2024-1', until: '2027-01-31T23:59:59.000Z', reason: 'not reachable', owner: 'team-a', origin: '.portcullis.yaml' },
      { id: 'GHSA-aaaa-bbbb-cccc', until: '2027-02-01T23:59:59.000Z', reason: 'vendored', owner: '.trivyignore', origin: '.trivyignore' },
    ]);
  });

  it('reports YAML that does not parse as invalid, with the default policy', () => {
    const sut = readRepositoryPolicy({ portcullisYaml: found('images:\n  failOn: [high\n'), trivyignore: found('CVE-2024-9\n') }, platform);
    expect(sut.resolved.source).toBe('default');
    expect(sut.resolved.policy.suppressions).toEqual([]);
    expect(sut.resolved.invalid).toHaveLength(1);
    expect(sut.resolved.invalid?.[0]).toMatch(/^\.portcullis\.yaml: not valid YAML/);
  });

  it('refuses an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    const sut = readRepositoryPolicy({ portcullisYaml: found(bomb), trivyignore: missing }, platform);
    expect(sut.resolved.invalid?.[0]).toMatch(/not valid YAML/);
  });

  it('refuses a top level that is not a mapping, and duplicate keys', () => {
    expect(readRepositoryPolicy({ portcullisYaml: found('- images\n'), trivyignore: missing }, platform).resolved.invalid).toEqual(['.portcullis.yaml: expected a mapping at the top level']);
    expect(readRepositoryPolicy({ portcullisYaml: found('images: {}\nimages: {}\n'), trivyignore: missing }, platform).resolved.invalid?.[0]).toMatch(/not valid YAML/);
  });

  it('lists every schema problem with its path', () => {
    const sut = readRepositoryPolicy({ portcullisYaml: found('images:\n  failOn: severe\n  suppressions:\n    - id: CVE-1\n      reason: x\n      owner: y\n'), trivyignore: missing }, platform);
    expect(sut.resolved.invalid).toEqual([expect.stringMatching(/^images\.failOn: /), expect.stringMatching(/^images\.suppressions\[0\]\.until: /)]);
  });

  it('treats an oversized .portcullis.yaml as invalid but an oversized .trivyignore as a note', () => {
    expect(readRepositoryPolicy({ portcullisYaml: { kind: 'too-large' }, trivyignore: missing }, platform).resolved.invalid).toEqual(['.portcullis.yaml: larger than 65536 bytes']);
    const sut = readRepositoryPolicy({ portcullisYaml: found('images:\n  failOn: low\n'), trivyignore: { kind: 'too-large' } }, platform);
    expect(sut.resolved).toMatchObject({ source: 'repository', policy: { failOn: 'low', suppressions: [] } });
    expect(sut.notes).toEqual(['.trivyignore: larger than 262144 bytes; ignored']);
  });

  it('skips bad .trivyignore lines as Trivy does, and notes them', () => {
    const sut = readRepositoryPolicy({ portcullisYaml: missing, trivyignore: found('not an id!\nCVE-2024-2\n') }, platform);
    expect(sut.resolved.policy.suppressions.map((s) => s.id)).toEqual(['CVE-2024-2']);
    expect(sut.notes).toEqual([expect.stringMatching(/^\.trivyignore:1: /)]);
  });

  it('reads the secrets section as the secret-auditor does, and reports an invalid one apart from the images policy', () => {
    const yaml = [
      'secrets:',
      '  suppressions:',
      `    - { fingerprint: "${'ab'.repeat(32)}", reason: test fixture, until: 2027-01-31, owner: team-a }`,
      '  paths: { ignore: ["usr/share/doc/**"] }',
      '',
    ].join('\n');
    const valid = readRepositoryPolicy({ portcullisYaml: found(yaml), trivyignore: missing }, { ...platform, secretsFailOn: 'medium' }).resolved;
    expect(valid.invalid).toBeUndefined();
    expect(valid.secrets).toEqual({
      policy: {
        source: 'repository',
        failOn: 'medium',
        suppressions: [{ fingerprint: 'ab'.repeat(32), reason: 'test fixture', until: '2027-01-31T23:59:59.000Z', owner: 'team-a' }],
        ignorePaths: ['usr/share/doc/**'],
      },
    });

    const invalid = readRepositoryPolicy({ portcullisYaml: found('secrets:\n  failon: low\n'), trivyignore: missing }, platform).resolved;
    expect(invalid.invalid).toBeUndefined();
    expect(invalid.secrets?.invalid?.[0]).toMatch(/^secrets/);
    expect(invalid.secrets?.policy.source).toBe('default');
  });
  it('keeps a valid imageTests section as JSON with a content hash, apart from the images policy', () => {
    const yaml = 'imageTests:\n  metadata:\n    nonRoot: true\n  commands:\n    - id: version\n      argv: [/app/server, --version]\n      timeout: 10s\n';
    const sut = readRepositoryPolicy({ portcullisYaml: found(yaml), trivyignore: missing }, platform).resolved;
    const again = readRepositoryPolicy({ portcullisYaml: found(`# same tests\n${yaml}`), trivyignore: missing }, platform).resolved;
    const other = readRepositoryPolicy({ portcullisYaml: found(yaml.replace('10s', '20s')), trivyignore: missing }, platform).resolved;

    expect(sut.source).toBe('default');
    expect(sut.imageTests).toEqual({
      section: { metadata: { nonRoot: true }, commands: [{ id: 'version', argv: ['/app/server', '--version'], timeout: '10s' }] },
      hash: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(again.imageTests).toEqual(sut.imageTests);
    expect(other.imageTests && 'hash' in other.imageTests && other.imageTests.hash).not.toBe(sut.imageTests && 'hash' in sut.imageTests && sut.imageTests.hash);
  });

  it('reports an invalid imageTests section with every problem and leaves the other policies alone', () => {
    const yaml = 'images:\n  failOn: medium\nimageTests:\n  commands:\n    - id: version\n      argv: [/app/server]\n      timeout: 1h\n  metadata:\n    nonroot: true\n';
    const sut = readRepositoryPolicy({ portcullisYaml: found(yaml), trivyignore: missing }, platform).resolved;

    expect(sut.invalid).toBeUndefined();
    expect(sut.policy.failOn).toBe('medium');
    expect(sut.imageTests && 'invalid' in sut.imageTests ? sut.imageTests.invalid : []).toEqual([
      'imageTests.metadata: Unrecognized key: "nonroot"',
      'imageTests.commands[0].timeout: a duration such as 30s, 2m or 500ms',
    ]);
  });

  it('has no image tests when the file declares none', () => {
    expect(readRepositoryPolicy({ portcullisYaml: found('images:\n  failOn: low\n'), trivyignore: missing }, platform).resolved.imageTests).toBeUndefined();
  });
});
