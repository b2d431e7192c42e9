import { describe, expect, it } from 'vitest';
import { makePacerRegistry } from '../../src/google/mailbox-pacer.ts';
import { perUserUnitsPerSecond, quotaCost } from '../../src/google/quota-costs.ts';
import { makeTokenBucket } from '../../src/google/token-bucket.ts';

/** A clock the test moves; sleeping advances it. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('the token bucket', () => {
  it('when takers keep coming for a simulated minute, then the rate is held within 1%', async () => {
    const clock = fakeClock();
    const bucket = makeTokenBucket({
      ratePerSec: 100,
      capacity: 100,
      now: clock.now,
      sleep: clock.sleep,
    });
    let units = 0;
    while (clock.now() < 60_000) {
      await bucket.take(20);
      units += 20;
    }
    expect(units / 60).toBeGreaterThan(99);
    expect(units / 60).toBeLessThan(101);
  });

  it('when a large take waits, then later small ones do not overtake it (FIFO)', async () => {
    const clock = fakeClock();
    const bucket = makeTokenBucket({
      ratePerSec: 10,
      capacity: 10,
      now: clock.now,
      sleep: clock.sleep,
    });
    const order: string[] = [];
    await Promise.all([
      bucket.take(10).then(() => order.push('big')),
      bucket.take(1).then(() => order.push('small-1')),
      bucket.take(1).then(() => order.push('small-2')),
    ]);
    expect(order).toEqual(['big', 'small-1', 'small-2']);
  });

  it('when throttled after a refusal, then nobody takes for that long; an abort frees the waiter', async () => {
    const clock = fakeClock();
    const bucket = makeTokenBucket({
      ratePerSec: 100,
      capacity: 100,
      initial: 100,
      now: clock.now,
      sleep: clock.sleep,
    });
    bucket.throttle(1_000);
    await bucket.take(1);
    expect(clock.now()).toBeGreaterThanOrEqual(1_000);
    const controller = new AbortController();
    const slow = makeTokenBucket({
      ratePerSec: 0.001,
      capacity: 1,
      sleep: () => new Promise<void>(() => {}),
    });
    const pending = slow.take(1, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

describe('the token bucket under refusals (AIMD)', () => {
  const bucketAt = (ratePerSec: number) => {
    const clock = fakeClock();
    const bucket = makeTokenBucket({
      ratePerSec,
      capacity: ratePerSec,
      now: clock.now,
      sleep: clock.sleep,
    });
    return { clock, bucket };
  };

  it('when a refusal names no time, then the rate halves and comes back gradually', async () => {
    const { clock, bucket } = bucketAt(100);
    bucket.throttle();
    expect(bucket.rate).toBe(50);
    await bucket.take(10);
    expect(bucket.rate).toBeLessThan(55);
    await clock.sleep(20_000);
    expect(bucket.rate).toBe(100);
  });

  it('when a slowed bucket is asked for more than it holds, then the take is served once it is full', async () => {
    const { clock, bucket } = bucketAt(100);
    bucket.throttle();
    await bucket.take(100);
    // Half the rate fills the halved bucket in about a second, not the ~17 s the rate takes to recover.
    expect(clock.now()).toBeLessThan(1_500);
  });

  it('when one refusal names a far time, then the bucket waits for it without slowing; a second soon after slows it', async () => {
    const { clock, bucket } = bucketAt(100);
    bucket.throttle(30_000);
    expect(bucket.rate).toBe(100);
    await clock.sleep(2_000);
    bucket.throttle(30_000);
    expect(bucket.rate).toBe(50);
    await bucket.take(10);
    expect(clock.now()).toBeGreaterThanOrEqual(32_000);
  });
});

describe('quota costs and pacing', () => {
  it('when the profile is 2026, then messages.get costs 20 of 100 units a second; in 2025, 5 of 250', () => {
    expect([quotaCost('2026', 'messages.get'), perUserUnitsPerSecond('2026')]).toEqual([20, 100]);
    expect([quotaCost('2025', 'messages.get'), perUserUnitsPerSecond('2025')]).toEqual([5, 250]);
    expect(quotaCost('2026', 'history.list')).toBe(2);
  });

  it('when one mailbox is saturated, then another mailbox is not slowed by it', async () => {
    const pacers = makePacerRegistry({ profile: '2026', unitsPerSecond: 40, maxConcurrency: 2 });
    const busy = pacers.forMailbox('busy');
    const done: string[] = [];
    const work = Array.from({ length: 6 }, (_, i) =>
      busy.run('messages.get', async () => done.push(`busy-${i}`)),
    );
    // The busy mailbox affords one get (20 units) every half second; the quiet one's call (2
    // units) waits only for its own bucket, so it finishes before the busy one's first.
    await pacers.forMailbox('quiet').run('history.list', async () => done.push('quiet'));
    await Promise.all(work);
    expect(done[0]).toBe('quiet');
    expect(pacers.size()).toBe(2);
  });
});
