import { describe, expect, it } from 'vitest';

import type { OsvRecord } from '../osv/osv.schema.js';
import { cvss2BaseScore, cvss3BaseScore } from './cvss.js';
import { severityOf } from './severity.js';

describe('cvss3BaseScore', () => {
  it('computes the published base scores of real vectors', () => {
    // CVE-2021-44228 (Log4Shell), NVD: 10.0.
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H')).toBe(10);
    // CVE-2021-44906 (minimist), NVD: 9.8.
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    // CVE-2021-23337 (lodash template), NVD: 7.2.
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H')).toBe(7.2);
    // CVE-2022-0778 (openssl BN_mod_sqrt loop), NVD: 7.5.
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H')).toBe(7.5);
    expect(cvss3BaseScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N')).toBe(5.3);
    expect(cvss3BaseScore('CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N')).toBe(1.8);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N')).toBe(0);
  });

  it('rejects malformed vectors', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeUndefined();
  });
});

describe('cvss2BaseScore', () => {
  it('computes v2 base scores', () => {
    expect(cvss2BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBe(7.5);
    expect(cvss2BaseScore('AV:N/AC:L/Au:N/C:C/I:C/A:C')).toBe(10);
    expect(cvss2BaseScore('AV:N/AC:M/Au:N/C:N/I:P/A:N')).toBe(4.3);
  });
});

describe('severityOf', () => {
  const base: OsvRecord = { id: 'X-1', modified: '2024-01-01T00:00:00Z' };

  it('prefers a computed CVSS v3 score over a label', () => {
    const record: OsvRecord = {
      ...base,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H' }],
      database_specific: { severity: 'LOW' },
    };
    expect(severityOf(record, undefined)).toBe('critical');
  });

  it("maps GHSA's MODERATE label and Ubuntu's negligible", () => {
    expect(severityOf({ ...base, database_specific: { severity: 'MODERATE' } }, undefined)).toBe('medium');
    expect(severityOf({ ...base, severity: [{ type: 'Ubuntu', score: 'negligible' }] }, undefined)).toBe('low');
  });

  it('falls back to CVSS v2, then unknown (a CVSS v4 vector alone is not scored)', () => {
    expect(severityOf({ ...base, severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }] }, undefined)).toBe('high');
    expect(
      severityOf({ ...base, severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }] }, undefined),
    ).toBe('unknown');
    expect(severityOf(base, undefined)).toBe('unknown');
  });
});
