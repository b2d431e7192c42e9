// How many of the mails search let go an audit reads, which ones, and what a sample of that size
// can promise. The sample is the audit's independence: drawn at random, with no regard to what
// search or anything else says of the mails, so a miss of any kind is as likely to be drawn as any
// other let-go mail.
import { randomInt } from 'node:crypto';

/**
 * A handful: the fewest let-go mails a mailbox's audits read in a day when any mail was let go, so
 * a mailbox with little mail is still looked at (5 reads: 100 units under the 2026 profile).
 */
export const DAILY_MINIMUM = 5;

/**
 * The share `rate` of the population, rounded up, and at least what the day still owes of its
 * minimum; never more than the population. A rate of 0 turns the audit off (an operator's choice).
 */
export function sampleSize(population: number, rate: number, sampledToday: number): number {
  if (population <= 0 || rate <= 0) return 0;
  // A hair below the product so 0.05 × 100 is 5, not 6 (binary fractions).
  const byRate = Math.ceil(rate * population - 1e-9);
  return Math.min(population, Math.max(byRate, DAILY_MINIMUM - sampledToday));
}

/** `k` of `items` drawn uniformly at random without replacement (a partial Fisher–Yates shuffle). */
export function drawSample<T>(items: readonly T[], k: number): T[] {
  const pool = [...items];
  const n = Math.min(k, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n);
}

/**
 * The chance that search missing a share `missRate` of the let-go mail goes unseen for `days` days
 * when each day's audit reads `dailySample` of it: no miss in any read. (Each read is a miss with
 * chance `missRate`; the population is large against the sample, so draws are near independent.)
 */
export function unseenChance(missRate: number, dailySample: number, days: number): number {
  return (1 - missRate) ** (dailySample * days);
}
