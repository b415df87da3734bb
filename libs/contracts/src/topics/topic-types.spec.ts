import { describe, expect, expectTypeOf, it } from 'vitest';
import { encodeEvent } from '../envelope/cloud-event.js';
import { EventEncodingError } from '../envelope/event-encoding.error.js';
import type { ScmPushEvent } from '../events/scm-push/scm-push.event.js';
import { exampleAuditCompleted } from '../examples/audit-results.examples.js';
import { exampleScmPush, exampleScmTag } from '../examples/scm-events.examples.js';
import { AuditResults, ScmEvents } from './registry.js';
import type { BodyOf, BodyOfKind, KindOf } from './topic-definition.js';

/*
 * The @ts-expect-error lines are the real assertions here: `tsc -b libs/contracts/tsconfig.spec.json`
 * fails if any of them starts compiling. The runtime checks prove the same bodies are refused by
 * the schema when a caller forces them through with a cast.
 */
const metadata = { source: '/portcullis/test' };

describe('typed bodies', () => {
  it('derives the body union and per-kind bodies of a topic', () => {
    expectTypeOf<KindOf<typeof ScmEvents>>().toEqualTypeOf<'push' | 'tag' | 'pull_request'>();
    expectTypeOf<BodyOfKind<typeof ScmEvents, 'push'>>().toEqualTypeOf<ScmPushEvent>();
    expectTypeOf(exampleScmTag()).toExtend<BodyOf<typeof ScmEvents>>();
  });

  it('narrows on kind, so handlers switch exhaustively', () => {
    const describeBody = (body: BodyOf<typeof ScmEvents>): string => {
      switch (body.kind) {
        case 'push':
          return body.after;
        case 'tag':
          return body.sha;
        case 'pull_request':
          return body.head.sha;
        default:
          return body satisfies never;
      }
    };

    expect(describeBody(exampleScmPush())).toBe(exampleScmPush().after);
  });

  it('does not compile a body of another topic, an unknown kind or a missing field', () => {
    const audit = exampleAuditCompleted();
    const { sha: _sha, ...tagWithoutSha } = exampleScmTag();

    // @ts-expect-error an audit result is not an scm event
    expect(() => encodeEvent(ScmEvents, audit, metadata)).toThrow(EventEncodingError);
    // @ts-expect-error a tag needs the commit it points at
    expect(() => encodeEvent(ScmEvents, tagWithoutSha, metadata)).toThrow(EventEncodingError);
    // @ts-expect-error `release` is no kind of scm.events
    expect(() => encodeEvent(ScmEvents, { ...exampleScmPush(), kind: 'release' }, metadata)).toThrow(EventEncodingError);
    // @ts-expect-error a verdict is pass, fail or error
    expect(() => encodeEvent(AuditResults, { ...audit, verdict: 'ok' }, metadata)).toThrow(EventEncodingError);
  });

  it('does not accept a push body typed as another topic’s body', () => {
    // @ts-expect-error BodyOf keeps topics apart
    const wrong: BodyOf<typeof AuditResults> = exampleScmPush();

    expect(AuditResults.schema.safeParse(wrong).success).toBe(false);
  });
});
