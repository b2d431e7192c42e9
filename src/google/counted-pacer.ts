// A pacer that adds up what a task spends: the same pacing, and the quota units of every call it
// lets through (the reconciliation and the audit report what they cost).
import type { Pacer } from './mailbox-pacer.ts';

export function countUnits(pacer: Pacer, units: { spent: number }): Pacer {
  return {
    ...pacer,
    run(method, call, opts) {
      units.spent += pacer.cost(method) * (opts?.calls ?? 1);
      return pacer.run(method, call, opts);
    },
  };
}
