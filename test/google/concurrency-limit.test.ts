// How many of a mailbox's calls go at once: halved by Gmail's "Too many concurrent requests",
// regained a call at a time, waiters served in order. A scripted clock stands for time passing.
import { describe, expect, it } from 'vitest';
import { makeConcurrencyLimit } from '../../src/google/concurrency-limit.ts';

const clock = () => {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

describe('the limit on calls in flight', () => {
  it('when Gmail refuses for concurrency, then the limit halves once per burst of refusals, never below one', () => {
    const time = clock();
    const limit = makeConcurrencyLimit(10, time.now);
    limit.shrink();
    limit.shrink(); // the calls refused together are one event
    expect(limit.limit).toBe(5);
    for (let i = 0; i < 6; i++) {
      time.advance(1_000);
      limit.shrink();
    }
    expect(limit.limit).toBe(1);
  });

  it('when no refusal comes, then the limit comes back one call every three seconds, up to the ceiling', () => {
    const time = clock();
    const limit = makeConcurrencyLimit(10, time.now);
    limit.shrink();
    expect(limit.limit).toBe(5);
    time.advance(2_999);
    expect(limit.limit).toBe(5);
    time.advance(1);
    expect(limit.limit).toBe(6);
    time.advance(60_000);
    expect(limit.limit).toBe(10);
  });

  it('when the limit is reached, then callers wait in order and are served as calls finish', async () => {
    const limit = makeConcurrencyLimit(3, () => 0);
    const order: string[] = [];
    const first = await limit.acquire(2);
    const batch = limit.acquire(3).then((granted) => order.push(`batch ${granted}`));
    const single = limit.acquire(1).then(() => order.push('single'));
    // The single call would fit now, but the batch asked first.
    await Promise.resolve();
    expect(order).toEqual([]);
    limit.release(first);
    await batch;
    await Promise.resolve();
    expect(order).toEqual(['batch 3']);
    limit.release(3);
    await single;
    expect(order).toEqual(['batch 3', 'single']);
  });

  it('when a batch asks for more than the limit, then it is granted the limit once nothing else runs', async () => {
    const time = clock();
    const limit = makeConcurrencyLimit(8, time.now);
    limit.shrink();
    expect(await limit.acquire(8)).toBe(4);
    expect(limit.busy).toBe(true);
    limit.release(4);
    expect(limit.busy).toBe(false);
  });
});
