import { type FindingTriageCommand } from '@portcullis/contracts';
import { triageRecordOf } from './triage-decision.js';
import { type TriageStore } from './triage.ports.js';

/**
 * ApplyTriageDecision: a consumed `finding.triage` command becomes the fingerprint's view record,
 * unless a later decision is already there. Idempotent and order-independent, so every instance
 * and every replay of operator.commands converge on the same view.
 */
export class ApplyTriageDecision {
  constructor(private readonly deps: { readonly store: TriageStore }) {}

  async execute(command: FindingTriageCommand, event: { readonly id: string; readonly time: string }): Promise<'applied' | 'superseded'> {
    return (await this.deps.store.apply(triageRecordOf(command, event))) ? 'applied' : 'superseded';
  }
}
