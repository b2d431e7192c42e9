// Chaos scenarios for Gmail's timing and the mailbox changing after delivery (issue 13, items 9 to
// 12): young messages that 404, history that lags its push, one push a second per user, search
// minutes behind during a recovery, and labels churned while the mail is synced. Each must end
// with 0 lost and 0 duplicated, as main.ts counts them.
import { quiesce, type World, withFaults } from '../world.ts';

export interface TimingScenario {
  name: string;
  mails: number;
  run(world: World, send: (n: number) => Promise<string[]>): Promise<unknown>;
}

export function timingScenarios(mailboxes: readonly string[]): TimingScenario[] {
  return [
    {
      name: 'new mail 404s for 3 s, history lags 1 s',
      mails: 30,
      run: (w, send) =>
        withFaults(w, { new_message_404_ms: 3_000, history_lag_ms: 1_000 }, () => send(30)),
    },
    {
      name: 'one push a second per user, bursts',
      mails: 45,
      run: (w, send) => withFaults(w, { push: { per_user_per_sec: 1 } }, () => send(45)),
    },
    {
      name: 'search lags 10 min across a recovery',
      mails: 30,
      async run(w, send) {
        await withFaults(w, { search_lag_ms: 600_000, push: { drop: 1 } }, async () => {
          await send(15);
          for (const m of mailboxes) await w.simControl(`mailboxes/${m}/expire-history`, {});
          // Pushes again (search still behind): the next sync finds history gone and recovers.
          await w.simControl('faults', { push: { drop: 0 } }, 'PUT');
          await send(15);
          await quiesce(w.pool);
        });
      },
    },
    {
      name: 'labels churned: starred, archived, spam and trash round trips',
      mails: 30,
      async run(w, send) {
        const ids = await send(30);
        await Promise.all(
          ids.map(async (id, i) => {
            const m = mailboxes[i % mailboxes.length] as string;
            const labels = (add: string[], remove: string[]) =>
              w.simControl(`mailboxes/${m}/messages/${id}/labels`, { add, remove });
            await labels(['IMPORTANT', 'CATEGORY_UPDATES'], []);
            await labels(['STARRED'], ['UNREAD', 'INBOX']);
            if (i % 3 === 0) {
              await labels(['SPAM'], ['INBOX']);
              await labels(['INBOX'], ['SPAM']);
            }
            if (i % 5 === 0) {
              await w.simControl(`mailboxes/${m}/messages/${id}/trash`, {});
              await w.simControl(`mailboxes/${m}/messages/${id}/untrash`, {});
            }
          }),
        );
      },
    },
  ];
}
