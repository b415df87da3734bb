import type { KnownBlock } from '@slack/types';
import { expect } from 'vitest';
import { SLACK_LIMITS, type SlackMessage } from '../src/render/slack-limits.js';

/** Asserts every limit Slack enforces on the blocks we build (the fake Slack server enforces the same). */
export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  for (const block of message.blocks as KnownBlock[]) {
    switch (block.type) {
      case 'header':
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
        break;
      case 'section':
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect(block.fields?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.fields);
        for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        break;
      case 'context':
        expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
        break;
      case 'actions':
        expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
        {
          // Slack refuses a block whose action ids repeat.
          const ids = block.elements.map((e) => ('action_id' in e ? e.action_id : undefined)).filter((id) => id !== undefined);
          expect(new Set(ids).size, `action ids of ${block.block_id ?? 'an actions block'}`).toBe(ids.length);
        }
        for (const e of block.elements) {
          if (e.type !== 'button') continue;
          expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
          expect(e.action_id?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.actionId);
          expect(e.value?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        }
        break;
      default:
        break;
    }
  }
}

/** Every text a person sees in a message, joined: what content assertions look at. */
export function visibleText(message: SlackMessage): string {
  const parts: string[] = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'header') parts.push(block.text.text);
    if (block.type === 'section') parts.push(block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text));
    if (block.type === 'context') for (const e of block.elements) if ('text' in e) parts.push(e.text);
    if (block.type === 'actions') for (const e of block.elements) if (e.type === 'button') parts.push(e.text.text);
  }
  return parts.join('\n');
}
