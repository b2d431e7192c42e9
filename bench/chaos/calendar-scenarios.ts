// The calendar's chaos scenario (issue 24): meetings with the CRM's client created on the three
// calendars while Google loses half the notifications, every calendar's sync token is invalidated
// mid-stream (the next sync meets 410 and lists the window again), and the worker is SIGKILLed
// twice; a third are rescheduled meanwhile. Every meeting must end logged once,
// as main.ts counts them (the `calendar:<event id>` keys; duplicates by title and start).
import { type World, withFaults } from '../world.ts';
import type { Tally } from './scenario.ts';

export interface CalendarScenario {
  name: string;
  mails: number;
  run(world: World, send: (n: number) => Promise<string[]>, tally: Tally): Promise<unknown>;
}

const MEETINGS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function calendarScenarios(
  mailboxes: readonly string[],
  client: string,
): CalendarScenario[] {
  return [
    {
      name: 'calendar: notifications lost, sync tokens gone, worker killed',
      mails: MEETINGS,
      async run(w, _send, tally) {
        const keys: string[] = [];
        const ids: { id: string; mailbox: string }[] = [];
        await withFaults(w, { calendar: { drop: 0.5 }, seed: 24 }, async () => {
          for (let i = 0; i < MEETINGS; i++) {
            const mailbox = mailboxes[i % mailboxes.length] as string;
            const start = Date.now() + (i + 1) * 3_600_000;
            const made = (await w.simControl(`mailboxes/${mailbox}/calendar/events`, {
              summary: `chaos meeting ${i}`,
              start: new Date(start).toISOString(),
              end: new Date(start + 1_800_000).toISOString(),
              attendees: [client],
            })) as { id: string };
            keys.push(`calendar:${made.id}`);
            ids.push({ id: made.id, mailbox });
            if (i === 10 || i === 20) {
              await w.kill('worker-0', 'SIGKILL');
              await w.startRole('worker-0', 'worker');
            }
            if (i === 15)
              for (const m of mailboxes)
                await w.simControl(`mailboxes/${m}/calendar/expire-sync-tokens`, {});
            await sleep(50);
          }
          // A third rescheduled a day later while notifications are still being lost.
          for (const { id, mailbox } of ids.filter((_, i) => i % 3 === 0)) {
            const start = Date.now() + 2 * 86_400_000;
            await w.simControl(
              `mailboxes/${mailbox}/calendar/events/${id}`,
              {
                start: new Date(start).toISOString(),
                end: new Date(start + 1_800_000).toISOString(),
              },
              'PATCH',
            );
          }
        });
        tally.expect(keys);
      },
    },
  ];
}
