/**
 * Block Kit limits the fake Slack enforces (from Slack's Block Kit reference; see
 * /work/tmp/notify-design.md). Slack answers a violation with `invalid_blocks` and an `errors`
 * array of `"<reason> [json-pointer:/blocks/…]"` strings; the fake does the same so a failing test
 * says which block broke which rule.
 */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  markdownBlockText: 12_000,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  buttonUrl: 3000,
  blockId: 255,
  /** `text` argument of chat.postMessage / chat.update (`msg_too_long` above it). */
  messageText: 40_000,
} as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly errors: string[] = [];

  fail(reason: string, pointer: string): void {
    this.errors.push(`${reason} [json-pointer:${pointer}]`);
  }

  /** A text object: `{ type: plain_text|mrkdwn, text }`, 1..max characters. */
  text(value: unknown, pointer: string, max: number, onlyPlain = false): void {
    if (!isObject(value)) return this.fail('must be an object', pointer);
    const allowed = onlyPlain ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value['type'] !== 'string' || !allowed.includes(value['type'])) {
      this.fail(`must be one of ${allowed.join(', ')}`, `${pointer}/type`);
    }
    const text = value['text'];
    if (typeof text !== 'string') return this.fail('must be provided', `${pointer}/text`);
    if (text.length < 1) this.fail('must be more than 0 characters', `${pointer}/text`);
    if (text.length > max) this.fail(`must be less than ${max + 1} characters`, `${pointer}/text`);
  }

  button(el: Json, pointer: string, actionIds: Set<string>): void {
    this.text(el['text'], `${pointer}/text`, BLOCK_KIT_LIMITS.buttonText, true);
    const actionId = el['action_id'];
    if (actionId !== undefined) {
      if (typeof actionId !== 'string' || actionId.length > BLOCK_KIT_LIMITS.actionId) {
        this.fail(`must be less than ${BLOCK_KIT_LIMITS.actionId + 1} characters`, `${pointer}/action_id`);
      } else if (actionIds.has(actionId)) {
        this.fail('action_id must be unique within a block', `${pointer}/action_id`);
      } else actionIds.add(actionId);
    }
    const value = el['value'];
    if (value !== undefined && (typeof value !== 'string' || value.length > BLOCK_KIT_LIMITS.buttonValue)) {
      this.fail(`must be less than ${BLOCK_KIT_LIMITS.buttonValue + 1} characters`, `${pointer}/value`);
    }
    const url = el['url'];
    if (url !== undefined && (typeof url !== 'string' || url.length > BLOCK_KIT_LIMITS.buttonUrl)) {
      this.fail(`must be less than ${BLOCK_KIT_LIMITS.buttonUrl + 1} characters`, `${pointer}/url`);
    }
    const style = el['style'];
    if (style !== undefined && style !== 'primary' && style !== 'danger') this.fail('must be one of primary, danger', `${pointer}/style`);
  }

  block(block: unknown, pointer: string, blockIds: Set<string>): void {
    if (!isObject(block)) return this.fail('must be an object', pointer);
    const blockId = block['block_id'];
    if (blockId !== undefined) {
      if (typeof blockId !== 'string' || blockId.length < 1 || blockId.length > BLOCK_KIT_LIMITS.blockId) {
        this.fail(`must be between 1 and ${BLOCK_KIT_LIMITS.blockId} characters`, `${pointer}/block_id`);
      } else if (blockIds.has(blockId)) this.fail('duplicate block_id', `${pointer}/block_id`);
      else blockIds.add(blockId);
    }
    switch (block['type']) {
      case 'section': {
        const { text, fields } = block;
        if (text === undefined && fields === undefined) this.fail('must provide text or fields', pointer);
        if (text !== undefined) this.text(text, `${pointer}/text`, BLOCK_KIT_LIMITS.sectionText);
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length < 1) return this.fail('must be a non-empty array', `${pointer}/fields`);
          if (fields.length > BLOCK_KIT_LIMITS.sectionFields) {
            this.fail(`must be less than ${BLOCK_KIT_LIMITS.sectionFields + 1} items`, `${pointer}/fields`);
          }
          fields.forEach((f, i) => this.text(f, `${pointer}/fields/${i}`, BLOCK_KIT_LIMITS.sectionFieldText));
        }
        const accessory = block['accessory'];
        if (isObject(accessory) && accessory['type'] === 'button') this.button(accessory, `${pointer}/accessory`, new Set());
        return;
      }
      case 'header':
        return this.text(block['text'], `${pointer}/text`, BLOCK_KIT_LIMITS.headerText, true);
      case 'divider':
        return;
      case 'markdown': {
        const text = block['text'];
        if (typeof text !== 'string' || text.length < 1) return this.fail('must be provided', `${pointer}/text`);
        if (text.length > BLOCK_KIT_LIMITS.markdownBlockText) {
          this.fail(`must be less than ${BLOCK_KIT_LIMITS.markdownBlockText + 1} characters`, `${pointer}/text`);
        }
        return;
      }
      case 'context': {
        const elements = block['elements'];
        if (!Array.isArray(elements) || elements.length < 1) return this.fail('must be a non-empty array', `${pointer}/elements`);
        if (elements.length > BLOCK_KIT_LIMITS.contextElements) {
          this.fail(`must be less than ${BLOCK_KIT_LIMITS.contextElements + 1} items`, `${pointer}/elements`);
        }
        elements.forEach((el, i) => {
          if (isObject(el) && el['type'] === 'image') return;
          this.text(el, `${pointer}/elements/${i}`, BLOCK_KIT_LIMITS.sectionText);
        });
        return;
      }
      case 'actions': {
        const elements = block['elements'];
        if (!Array.isArray(elements) || elements.length < 1) return this.fail('must be a non-empty array', `${pointer}/elements`);
        if (elements.length > BLOCK_KIT_LIMITS.actionsElements) {
          this.fail(`must be less than ${BLOCK_KIT_LIMITS.actionsElements + 1} items`, `${pointer}/elements`);
        }
        const actionIds = new Set<string>();
        elements.forEach((el, i) => {
          if (!isObject(el)) return this.fail('must be an object', `${pointer}/elements/${i}`);
          if (el['type'] === 'button') this.button(el, `${pointer}/elements/${i}`, actionIds);
        });
        return;
      }
      case 'image':
        if (typeof block['image_url'] !== 'string' && !isObject(block['slack_file'])) this.fail('must provide image_url', `${pointer}/image_url`);
        if (typeof block['alt_text'] !== 'string') this.fail('must be provided', `${pointer}/alt_text`);
        return;
      case 'rich_text':
        if (!Array.isArray(block['elements'])) this.fail('must be an array', `${pointer}/elements`);
        return;
      default:
        return this.fail(`unsupported type: ${JSON.stringify(block['type'])}`, `${pointer}/type`);
    }
  }
}

/** Validates a parsed `blocks` argument; returns Slack-style error strings (empty when valid). */
export function blockKitErrors(blocks: unknown): string[] {
  const checker = new Checker();
  if (!Array.isArray(blocks)) {
    checker.fail('must be an array', '/blocks');
    return checker.errors;
  }
  if (blocks.length > BLOCK_KIT_LIMITS.blocksPerMessage) {
    checker.fail(`must be less than ${BLOCK_KIT_LIMITS.blocksPerMessage + 1} items`, '/blocks');
  }
  const blockIds = new Set<string>();
  blocks.forEach((b, i) => checker.block(b, `/blocks/${i}`, blockIds));
  return checker.errors;
}
