import { describe, expect, it } from 'vitest';
import { eventIdOf } from './event-id.js';

describe('eventIdOf', () => {
  it('derives the same version-5 UUID from the same delivery id, and different ones from different ids', () => {
    const sut = eventIdOf;
    const id = sut('72d3162e-cc78-11e3-81ab-4c9367dc0958');

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sut('72d3162e-cc78-11e3-81ab-4c9367dc0958')).toBe(id);
    expect(sut('72d3162e-cc78-11e3-81ab-4c9367dc0959')).not.toBe(id);
  });
});
