import { exampleRegistryImagePushed } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { defaultImagePolicy } from './image-policy.schema.js';
import { judgeScan } from './judge-scan.js';
import { OPENVEX_CONTEXT, openVexOf } from './openvex.js';

const image = exampleRegistryImagePushed().image;
const now = new Date('2026-06-01T00:00:00Z');
const judged = judgeScan(
  [
    { id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], package: { name: 'minimist', version: '1.2.5', ecosystem: 'npm' }, fixedVersion: '1.2.6', severity: 'critical', suppressed: false },
    { id: 'CVE-2023-5363', aliases: [], package: { name: 'libssl3', version: '3.0.9-1', ecosystem: 'Debian:12' }, fixedVersion: '3.0.11-1', severity: 'high', suppressed: false },
  ],
  {
    ...defaultImagePolicy(),
    suppressions: [{ id: 'CVE-2021-44906', until: '2026-12-31T23:59:59.000Z', reason: 'only in build tooling', owner: 'team-shop', origin: '.portcullis.yaml' }],
  },
  now,
);

describe('openVexOf', () => {
  it('produces an OpenVEX 0.2.0 document with the required fields', () => {
    const sut = openVexOf({ image, findings: judged.findings, now });
    expect(sut['@context']).toBe(OPENVEX_CONTEXT);
    expect(sut['@id']).toMatch(/^https:\/\/\S+$/);
    expect(sut.author).toBeTruthy();
    expect(sut.timestamp).toBe('2026-06-01T00:00:00.000Z');
    expect(sut.version).toBe(1);
    for (const statement of sut.statements) {
      expect(statement.vulnerability.name).toBeTruthy();
      expect(statement.products[0]?.['@id']).toBe(`pkg:oci/${image.repository.split('/').pop()!.toLowerCase()}@${encodeURIComponent(image.digest)}?repository_url=${encodeURIComponent(`${image.registry}/${image.repository}`)}`);
      // The spec requires a justification or an impact statement for not_affected, an action statement for affected.
      if (statement.status === 'not_affected') expect(statement.justification ?? statement.impact_statement).toBeTruthy();
      if (statement.status === 'affected') expect(statement.action_statement).toBeTruthy();
    }
  });

  it('states a suppression as not_affected with its reason, and open findings as affected with the fix', () => {
    const sut = openVexOf({ image, findings: judged.findings, now });
    expect(sut.statements.map((s) => [s.vulnerability.name, s.status])).toEqual([
      ['GHSA-xvch-5gv4-984h', 'not_affected'],
      ['CVE-2023-5363', 'affected'],
    ]);
    expect(sut.statements[0]).toMatchObject({
      vulnerability: { aliases: ['CVE-2021-44906'] },
      impact_statement: 'only in build tooling',
      status_notes: 'suppressed in .portcullis.yaml by team-shop until 2026-12-31T23:59:59.000Z',
    });
    expect(sut.statements[1]?.action_statement).toBe('Update libssl3 to 3.0.11-1 or later.');
    expect(openVexOf({ image, findings: judged.findings, now, suppressedOnly: true }).statements).toHaveLength(1);
  });

  it('names the document by its content, so the same scan gets the same id', () => {
    const a = openVexOf({ image, findings: judged.findings, now });
    expect(openVexOf({ image, findings: judged.findings, now: new Date('2026-07-01T00:00:00Z') })['@id']).toBe(a['@id']);
    expect(openVexOf({ image, findings: judged.findings.slice(1), now })['@id']).not.toBe(a['@id']);
  });
});
