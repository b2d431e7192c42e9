import { describe, expect, it } from 'vitest';
import {
  DAILY_MINIMUM,
  drawSample,
  sampleSize,
  unseenChance,
} from '../../src/search-audit/audit-sample.ts';

describe('the audit sample', () => {
  it('when mail was let go, then the share is read, rounded up, and at least what the day still owes of the minimum', () => {
    expect(sampleSize(115, 0.05, 0)).toBe(6);
    expect(sampleSize(100, 0.05, 0)).toBe(5);
    expect(sampleSize(40, 0.05, 0)).toBe(DAILY_MINIMUM);
    expect(sampleSize(40, 0.05, 3)).toBe(2);
    expect(sampleSize(40, 0.05, 9)).toBe(2);
    expect(sampleSize(3, 0.05, 0)).toBe(3);
    expect(sampleSize(1000, 0.5, 0)).toBe(500);
    expect(sampleSize(10, 1, 0)).toBe(10);
  });

  it('when nothing was let go, or the rate is 0, then nothing is read', () => {
    expect(sampleSize(0, 0.05, 0)).toBe(0);
    expect(sampleSize(50, 0, 0)).toBe(0);
  });

  it('when a sample is drawn, then it holds distinct items of the population, each as likely as any other', () => {
    const population = Array.from({ length: 10 }, (_, i) => i);
    const seen = new Array(10).fill(0);
    for (let run = 0; run < 5_000; run++) {
      const sample = drawSample(population, 3);
      expect(new Set(sample).size).toBe(3);
      for (const i of sample) seen[i] += 1;
    }
    // Each is drawn 3/10 of the time: 1,500 of 5,000, within a few standard deviations (≈ 32).
    for (const n of seen) expect(Math.abs(n - 1_500)).toBeLessThan(200);
    expect(drawSample(population, 20)).toHaveLength(10);
  });

  it('when search misses a share of the let-go mail, then the chance no read sees it falls with the reads', () => {
    expect(unseenChance(0.1, 5, 7)).toBeCloseTo(0.025, 3);
    expect(unseenChance(0.05, 5, 14)).toBeCloseTo(0.0276, 3);
    expect(unseenChance(0.01, 5, 1)).toBeCloseTo(0.951, 3);
  });
});
