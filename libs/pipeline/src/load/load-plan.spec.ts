import { describe, expect, it } from 'vitest';
import { channelId, loadRouting, openLoopOffsetMs, planRepos, scheduleSlipMs } from './load-plan.js';

const options = { repos: 1000, findings: 0.1, images: 0.3, deploy: 0.05, channels: 64, seed: 1 };

describe('planRepos', () => {
  it('gives exact counts for each share', () => {
    const sut = planRepos(options);
    expect(sut).toHaveLength(1000);
    expect(sut.filter((r) => r.image)).toHaveLength(300);
    expect(sut.filter((r) => r.deploy)).toHaveLength(50);
    expect(sut.filter((r) => r.finding)).toHaveLength(100);
  });

  it('deploys only repositories that ship an image and carry no finding (a finding would block the deploy)', () => {
    const sut = planRepos(options);
    expect(sut.filter((r) => r.deploy).every((r) => r.image && !r.finding && r.type === 'deploy')).toBe(true);
  });

  it('types each release by what it carries', () => {
    const sut = planRepos(options);
    for (const r of sut) {
      const want = r.deploy ? 'deploy' : r.image ? (r.finding ? 'image+finding' : 'image') : r.finding ? 'commit+finding' : 'commit';
      expect(r.type).toBe(want);
    }
  });

  it('spreads repositories evenly over the channels, with names the routing matches', () => {
    const sut = planRepos(options);
    const perChannel = new Map<string, number>();
    for (const r of sut) perChannel.set(r.channel, (perChannel.get(r.channel) ?? 0) + 1);
    expect(perChannel.size).toBe(64);
    expect(Math.max(...perChannel.values()) - Math.min(...perChannel.values())).toBeLessThanOrEqual(1);
    expect(sut[70]).toMatchObject({ name: 'c006-r00070', channel: channelId(6) });
  });

  it('picks the same repositories for the same seed, others for another', () => {
    const picks = (seed: number) => planRepos({ ...options, seed }).map((r) => r.type).join();
    expect(picks(1)).toBe(picks(1));
    expect(picks(2)).not.toBe(picks(1));
  });
});

describe('loadRouting', () => {
  it('routes each channel prefix of the owner to its channel', () => {
    const sut = loadRouting('t-load-x', 3);
    expect(sut.routes).toEqual([
      { repositories: 'github/t-load-x/c000-*', channels: ['C0LOAD000'] },
      { repositories: 'github/t-load-x/c001-*', channels: ['C0LOAD001'] },
      { repositories: 'github/t-load-x/c002-*', channels: ['C0LOAD002'] },
    ]);
  });
});

describe('the open-loop schedule', () => {
  it('dues release i at i / rate seconds, whatever happened before', () => {
    expect([0, 1, 2, 40].map((i) => openLoopOffsetMs(i, 20))).toEqual([0, 50, 100, 2000]);
  });

  it('measures how late a send was, never negative', () => {
    expect(scheduleSlipMs(2, 20, 1_000, 1_130)).toBe(30);
    expect(scheduleSlipMs(2, 20, 1_000, 1_090)).toBe(0);
  });
});
