import { describe, expect, it } from 'vitest';
import { NotReadyError, PortcullisError, codeOf, dispositionOf, reasonOf } from './portcullis-error.js';

class WidgetError extends PortcullisError<'WIDGET_GONE' | 'WIDGET_BUSY'> {}

describe('PortcullisError', () => {
  it('carries code, disposition and a public message apart from the log message', () => {
    const sut = new WidgetError({ code: 'WIDGET_GONE', message: 'widget 42 deleted by gc', disposition: 'permanent' });
    expect(sut.name).toBe('WidgetError');
    expect(sut.retryable).toBe(false);
    expect(sut.publicMessage).not.toContain('42');
    expect(codeOf(sut)).toBe('WIDGET_GONE');
  });

  it('treats unknown errors as retryable so they reach the DLQ after retries, not the void', () => {
    expect(dispositionOf(new TypeError('boom'))).toBe('retry');
    expect(dispositionOf(new NotReadyError('scan pending', 5_000))).toBe('not-ready');
  });

  it('reduces any error to one bounded line without a stack', () => {
    const error = new Error('line one\n    at secret (file.ts:1:1)\n' + 'x'.repeat(1_000));
    const reason = reasonOf(error, 100);
    expect(reason).not.toContain('\n');
    expect(reason.length).toBeLessThanOrEqual(100);
    expect(reasonOf('string thrown')).toBe('non-error thrown: string');
  });
});
