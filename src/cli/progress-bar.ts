// How `--wait` shows a long task: a bar redrawn in place on a terminal, plain lines otherwise (a
// log file or CI gets one line per tenth done, not hundreds of carriage returns).
import type { ProgressView } from '../sync/progress.ts';

const WIDTH = 30;

export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'ETA unknown';
  if (seconds < 60) return `ETA ${seconds}s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `ETA ${m}m${String(seconds % 60).padStart(2, '0')}s`
    : `ETA ${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const percent = (p: ProgressView) => (p.total > 0 ? Math.floor((100 * p.done) / p.total) : 0);

export function renderBar(p: ProgressView): string {
  const filled = p.total > 0 ? Math.round((WIDTH * p.done) / p.total) : 0;
  const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
  return `${p.phase} [${bar}] ${percent(p)}% ${p.done}/${p.total} ${formatEta(p.eta_seconds)}`;
}

export function renderLine(p: ProgressView): string {
  return `${p.phase}: ${p.done}/${p.total} (${percent(p)}%), ${formatEta(p.eta_seconds)}`;
}

export interface ProgressPrinter {
  show(p: ProgressView | null): void;
  done(): void;
}

export function makeProgressPrinter(stream: {
  isTTY?: boolean;
  write(s: string): unknown;
}): ProgressPrinter {
  let drawn = false;
  let lastKey = '';
  return {
    show(p) {
      if (!p) return;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${renderBar(p)}`);
        drawn = true;
        return;
      }
      const key = `${p.phase}:${Math.floor(percent(p) / 10)}`;
      if (key === lastKey) return;
      lastKey = key;
      stream.write(`${renderLine(p)}\n`);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
