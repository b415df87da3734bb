/**
 * Two priorities in one process: `run` is for urgent work (push audits); `whenIdle` resolves when
 * no urgent work is running, so background work (sweeps) yields between its steps and never
 * delays a push audit by more than one step.
 */
export class PriorityGate {
  private running = 0;
  private waiters: (() => void)[] = [];

  async run<T>(work: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      if (this.running === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  get busy(): boolean {
    return this.running > 0;
  }
}
