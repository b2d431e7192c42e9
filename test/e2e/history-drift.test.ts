// Gmail moves a mailbox's historyId for changes its API does not show (the simulator's
// `bump-history`): nothing to list, no push. The poll's cheap check must not take that for a missed
// push, nor pay a history sync for it at every check; mail that does come is still logged.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pollCycle } from '../../src/ingest/poll.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';
import {
  callsOf,
  connectedMailbox,
  setFaults,
  waitForIdle,
  waitForLogged,
} from './mailbox-fixture.ts';

const ORG = 'org-history-drift';
const CLIENT = 'carla@client.test';

describe('a mailbox whose historyId moves with nothing listable', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Carla Client', CLIENT);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  const row = async (email: string) => {
    const { rows } = await e2e.database.pool.query<{
      checked_at: Date | null;
      missed_push_at: Date | null;
      quiet_history_id: string | null;
      history_id: string;
    }>(
      `select checked_at, missed_push_at, quiet_history_id, history_id from mailboxes where email = $1`,
      [email],
    );
    if (!rows[0]) throw new Error(`no mailbox ${email}`);
    return rows[0];
  };
  const healthyMailbox = async (prefix: string) => {
    const owner = await connectedMailbox(e2e, ORG, prefix);
    const { id } = await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Hi' }));
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the first mail logged' });
    await waitForIdle(e2e);
    return owner;
  };
  const bump = async (email: string, n: number) =>
    (
      (await (await e2e.simControl(`mailboxes/${email}/bump-history`, { body: { n } })).json()) as {
        historyId: string;
      }
    ).historyId;
  const checkAgainAfterAnHour = (email: string) =>
    e2e.database.pool.query(
      `update mailboxes set checked_at = now() - interval '61 minutes' where email = $1`,
      [email],
    );
  const callsDuring = async (email: string, work: () => Promise<unknown>) => {
    const before = await callsOf(e2e, email);
    await work();
    const after = await callsOf(e2e, email);
    return Object.fromEntries(
      Object.entries(after)
        .map(([m, n]) => [m, n - (before[m] ?? 0)] as const)
        .filter(([, n]) => n !== 0),
    );
  };
  /** A poll whose check of this mailbox (and its second look, if any) has run to the end. */
  const pollAndSettle = async (email: string) => {
    const checkedBefore = (await row(email)).checked_at?.getTime() ?? 0;
    await pollCycle(e2e.deps, { jitterSeconds: 0 });
    await waitFor(async () => ((await row(email)).checked_at?.getTime() ?? 0) > checkedBefore, {
      timeoutMs: e2e.deps.config.timings.pushGraceMs + 15_000,
      what: 'the check to finish',
    });
    await waitForIdle(e2e);
  };

  it('when the historyId moves with nothing to list, then one check finds it quiet, blames no push, and later checks cost one getProfile', async () => {
    const owner = await healthyMailbox('drift');
    const bumped = await bump(owner, 7);
    await checkAgainAfterAnHour(owner);

    // The first check has to list history once to learn there is nothing there.
    expect(await callsDuring(owner, () => pollAndSettle(owner))).toEqual({
      getProfile: 1,
      'history.list': 1,
    });
    const after = await row(owner);
    expect(after.missed_push_at).toBeNull();
    expect(after.quiet_history_id).toBe(bumped);

    await checkAgainAfterAnHour(owner);
    expect(await callsDuring(owner, () => pollAndSettle(owner))).toEqual({ getProfile: 1 });
    expect((await row(owner)).missed_push_at).toBeNull();
  }, 40_000);

  it('when mail comes after a drift, then its push logs it and the check after finds Gmail where the cursor is', async () => {
    const owner = await healthyMailbox('drift-mail');
    await bump(owner, 3);
    await checkAgainAfterAnHour(owner);
    await pollAndSettle(owner);
    const { id } = await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Order' }));
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the mail after the drift' });
    await waitForIdle(e2e);
    await checkAgainAfterAnHour(owner);
    expect(await callsDuring(owner, () => pollAndSettle(owner))).toEqual({ getProfile: 1 });
    expect((await row(owner)).missed_push_at).toBeNull();
  }, 40_000);

  it('when a drift hides a mail whose push was lost, then the check still logs it and blames the push', async () => {
    const owner = await healthyMailbox('drift-lost');
    await setFaults(e2e, { push: { drop: 1 } });
    const { id } = await e2e.deliver(owner, rawMail({ from: CLIENT, to: owner, subject: 'Lost' }));
    await bump(owner, 4);
    await checkAgainAfterAnHour(owner);
    await pollAndSettle(owner);
    await waitForLogged(e2e, [id], { timeoutMs: 10_000, what: 'the mail whose push was lost' });
    expect((await row(owner)).missed_push_at).not.toBeNull();
  }, 40_000);
});
