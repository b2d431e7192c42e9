// The reconciliation a CRM asks for (`POST /integrations/gmail/sync {"reconcile": true}` under the
// mailbox owner's token), waited for through `GET /integrations/gmail/status` until its
// `completeness` and the audit it runs (`completeness.audit`) are newer than the request, and
// summed over the mailboxes.
import type { World } from '../world.ts';
import type { ReconcileFigures } from './scenario.ts';

interface Completeness extends ReconcileFigures {
  checked_at: string;
  audit: { checked_at: string } | null;
}

export async function reconcileAll(
  world: World,
  org: string,
  users: string[],
  timeoutMs = 120_000,
): Promise<ReconcileFigures> {
  const sum: ReconcileFigures = { expected: 0, logged: 0, skipped: 0, repaired: 0, missing: 0 };
  for (const user of users) {
    const figures = await reconcileOne(world, org, user, timeoutMs);
    for (const key of Object.keys(sum) as (keyof ReconcileFigures)[]) sum[key] += figures[key];
  }
  return sum;
}

async function reconcileOne(
  world: World,
  org: string,
  user: string,
  timeoutMs: number,
): Promise<ReconcileFigures> {
  const headers = {
    authorization: `Bearer ${await world.token(user, org)}`,
    'content-type': 'application/json',
  };
  const asked = Date.now();
  const res = await fetch(`${world.webUrl}/integrations/gmail/sync`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ reconcile: true }),
  });
  if (res.status !== 202) throw new Error(`reconcile ${user}: ${res.status} ${await res.text()}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${world.webUrl}/integrations/gmail/status`, { headers });
    const { completeness } = (await status.json()) as { completeness: Completeness | null };
    // checked_at is when the run began (shown once it ended): one begun after the request is its;
    // the same for the audit of what search let go, which the reconciliation runs after it.
    const audited = Date.parse(completeness?.audit?.checked_at ?? '') >= asked;
    if (completeness && Date.parse(completeness.checked_at) >= asked && audited) {
      const { expected, logged, skipped, repaired, missing } = completeness;
      return { expected, logged, skipped, repaired, missing };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`reconcile ${user}: no result in ${timeoutMs} ms`);
}
