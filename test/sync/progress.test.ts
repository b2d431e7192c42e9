// The ETA arithmetic and how `--wait` prints progress: pure functions, no service needed.
import { describe, expect, it } from 'vitest';
import { makeProgressPrinter, renderBar } from '../../src/cli/progress-bar.ts';
import { etaSeconds } from '../../src/sync/progress.ts';

const view = (done: number, total = 300) => ({
  phase: 'backfill' as const,
  done,
  total,
  eta_seconds: 42,
});

describe('progress and its ETA', () => {
  it('when nothing is fetched yet, then the ETA is the units left over the paced rate', () => {
    // 300 fetches of 20 units at 97 units a second (the 2026 profile's 100, less headroom).
    const eta = etaSeconds({
      done: 0,
      total: 300,
      units_each: 20,
      units_per_sec: 97,
      elapsed_s: 0,
    });
    expect(eta).toBe(Math.round((300 * 20) / 97));
  });

  it('when the mailbox goes slower than its pace, then the ETA follows the observed rate', () => {
    // 30 done in 12 s is 50 units a second, half the paced 97: 270 left take 108 s, not 56.
    const eta = etaSeconds({
      done: 30,
      total: 300,
      units_each: 20,
      units_per_sec: 97,
      elapsed_s: 12,
    });
    expect(eta).toBe(108);
  });

  it('when the pacer has no rate, then the ETA is unknown rather than infinite', () => {
    expect(
      etaSeconds({ done: 0, total: 5, units_each: 20, units_per_sec: 0, elapsed_s: 0 }),
    ).toBeNull();
  });

  it('when printing to a terminal, then one bar is redrawn in place and ends with a newline', () => {
    const written: string[] = [];
    const printer = makeProgressPrinter({ isTTY: true, write: (s: string) => written.push(s) });
    printer.show(view(30));
    printer.show(view(150));
    printer.done();
    expect(written.slice(0, 2).every((s) => s.startsWith('\r'))).toBe(true);
    expect(written[1]).toContain('50% 150/300 ETA 42s');
    expect(written.at(-1)).toBe('\n');
    expect(renderBar(view(150))).toContain(`[${'#'.repeat(15)}${'.'.repeat(15)}]`);
  });

  it('when printing to a file, then plain lines come once per tenth done, without control characters', () => {
    const written: string[] = [];
    const printer = makeProgressPrinter({ isTTY: false, write: (s: string) => written.push(s) });
    for (let done = 0; done <= 300; done += 5) printer.show(view(done));
    printer.done();
    expect(written).toHaveLength(11);
    expect(written[0]).toBe('backfill: 0/300 (0%), ETA 42s\n');
    const text = written.join('');
    expect(text.includes('\r') || text.includes('\u001b')).toBe(false);
  });
});
