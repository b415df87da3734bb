import { describe, expect, it } from 'vitest';
import { consumerLagOf, parseProcStat } from './process-stats.js';

describe('consumerLagOf', () => {
  it('sums every portcullis_consumer_lag sample, ignoring other metrics', () => {
    const exposition = [
      '# HELP portcullis_consumer_lag Messages between …',
      '# TYPE portcullis_consumer_lag gauge',
      'portcullis_consumer_lag{topic="scm.events",partition="0",group="g"} 3',
      'portcullis_consumer_lag{topic="scm.events",partition="1",group="g"} 4',
      'portcullis_consumer_lag_other 100',
      'portcullis_messages_published_total{topic="x"} 9',
    ].join('\n');
    expect(consumerLagOf(exposition)).toBe(7);
  });

  it('is undefined when the metric is absent', () => {
    expect(consumerLagOf('process_cpu_seconds_total 1\n')).toBeUndefined();
  });
});

describe('parseProcStat', () => {
  it('reads utime + stime and the children’s cutime + cstime after a command name with spaces and parentheses, and VmRSS', () => {
    const stat = '1234 (node (main) x) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 700 100 20 0 11 0 100 1000000 5000';
    const sut = parseProcStat(stat, 'Name:\tnode\nVmRSS:\t  204800 kB\n', 100);
    expect(sut).toEqual({ cpuSeconds: 3, childCpuSeconds: 8, rssBytes: 204800 * 1024 });
  });
});
