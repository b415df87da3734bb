import { describe, expect, it } from 'vitest';
import { childOf, formatTraceparent, isSampled, isValidTraceparent, newTraceContext, parseTraceparent } from './trace-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe('parseTraceparent', () => {
  it('reads a valid version-00 header', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    expect(parseTraceparent(`  00-${TRACE_ID}-${SPAN_ID}-00 `)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0 });
  });

  it('round-trips through formatTraceparent', () => {
    const sut = parseTraceparent(VALID);
    expect(sut && formatTraceparent(sut)).toBe(VALID);
  });

  it.each([
    ['forbidden version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['non-hex version', `0g-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with extra fields', `${VALID}-extra`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
    ['long span id', `00-${TRACE_ID}-${SPAN_ID}0-01`],
    ['one-digit flags', `00-${TRACE_ID}-${SPAN_ID}-1`],
    ['uppercase hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['wrong separator', `00_${TRACE_ID}_${SPAN_ID}_01`],
    ['empty', ''],
  ])('rejects %s', (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
    expect(isValidTraceparent(header)).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(parseTraceparent(undefined)).toBeUndefined();
    expect(parseTraceparent(null)).toBeUndefined();
  });

  it('reads the known fields of a future version, as the spec asks', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-future`)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
  });
});

describe('newTraceContext and childOf', () => {
  it('starts a sampled trace with valid random ids', () => {
    const sut = newTraceContext();
    expect(isValidTraceparent(formatTraceparent(sut))).toBe(true);
    expect(isSampled(sut)).toBe(true);
    expect(newTraceContext().traceId).not.toBe(sut.traceId);
    expect(isSampled(newTraceContext({ sampled: false }))).toBe(false);
  });

  it('keeps the trace id and flags, changes the span id and remembers the parent', () => {
    const parent = newTraceContext({ sampled: false });
    const sut = childOf(parent);
    expect(sut.traceId).toBe(parent.traceId);
    expect(sut.traceFlags).toBe(parent.traceFlags);
    expect(sut.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(sut.spanId).not.toBe(parent.spanId);
    expect(sut.parentSpanId).toBe(parent.spanId);
    expect(formatTraceparent(sut)).toBe(`00-${parent.traceId}-${sut.spanId}-00`);
  });
});
