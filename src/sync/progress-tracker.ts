// Progress of one sync job as it runs: a phase begins, its total is known once Gmail's search has
// listed the mails, and every message the pacer lets through counts as one done. Counting at the
// pacer sees every fetch (batched or alone) without the fetching code knowing about progress.

import { idsToSkip } from '../activity-store/store-activities.ts';
import type { Db } from '../db/database.ts';
import type { Pacer } from '../google/mailbox-pacer.ts';
import { advanceProgress, finishProgress, type ProgressPhase, startProgress } from './progress.ts';

export interface ProgressTracker {
  /** The pacer to fetch through: its `messages.get` calls advance the progress. */
  pacer: Pacer;
  begin(phase: ProgressPhase): void;
  /** The phase will look at these ids; those already logged or dead-lettered need no fetch and
   * are not counted (no-op outside a phase). */
  total(ids: string[]): Promise<void>;
  end(): Promise<void>;
}

export function makeProgressTracker(db: Db, mailboxId: string, inner: Pacer): ProgressTracker {
  let phase: ProgressPhase | null = null;
  let started = false;
  // Writes are chained so they land in order; a failed write loses a tick, never the sync.
  let writes = Promise.resolve();
  const fetched = (count: number) => {
    if (!started) return;
    writes = writes
      .then(() => advanceProgress(db, mailboxId, count, inner.rate()))
      .catch(() => undefined);
  };
  const pacer: Pacer = {
    ...inner,
    async run(method, call, opts) {
      const result = await inner.run(method, call, opts);
      if (method === 'messages.get') fetched(opts?.calls ?? 1);
      return result;
    },
  };
  return {
    pacer,
    begin(next) {
      phase = next;
    },
    async total(ids) {
      if (!phase) return;
      const known = await idsToSkip(db, mailboxId, ids);
      const total = ids.filter((id) => !known.has(id)).length;
      const pace = { unitsEach: inner.cost('messages.get'), unitsPerSec: inner.rate() };
      await startProgress(db, mailboxId, phase, total, pace);
      started = true;
    },
    async end() {
      if (!phase) return;
      const ended = phase;
      phase = null;
      started = false;
      await writes;
      await finishProgress(db, mailboxId, ended);
    },
  };
}
