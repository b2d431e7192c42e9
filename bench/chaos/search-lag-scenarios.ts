// Chaos scenarios for search before fetch (issue 14, item 3). New mail in no logged thread waits for
// Gmail's search, whose index here trails delivery by 20 s for part of the run (the first look, 3 s
// after arrival, misses) and not at all for another, while pushes are capped at Gmail's one a
// second per user and mail comes in bursts. CRM mail — in the primary inbox, filed under Updates,
// Promotions or Forums, and a colleague's replies in its threads — must be logged once; mail that
// concerns no one must not be; the reconciliation afterwards must find nothing missing.
import { rawMail } from '../../test/support/raw-mail.ts';
import type { World } from '../world.ts';
import type { Scenario, Tally } from './scenario.ts';

/** Shortened from ten minutes so a run ends in a few. */
const SETTLE_MS = 30_000;
/**
 * Less than SETTLE_MS, as Gmail's lag is expected to be less than MATCH_SETTLE_MS. To see what
 * happens past it, `CHAOS_SEARCH_LAG_MS=45000 npm run chaos -- "search lag"`.
 */
const SEARCH_LAG_MS = Number(process.env.CHAOS_SEARCH_LAG_MS ?? 20_000);
/** Not in the CRM: a reply of theirs is logged only for the thread it is in. */
const COLLEAGUE = 'colleague@partner.test';
/** Not in the CRM: the client is in Cc of their mail. */
const PROSPECT = 'buyer@prospect.test';
const ROUNDS = 16;
const ROUND_GAP_MS = 1_500;
/** Rounds 6 to 9 run with an index that is current; the others with one 20 s behind. */
const lagAt = (round: number) => (round >= 6 && round < 10 ? 0 : SEARCH_LAG_MS);

const PRIMARY = ['INBOX', 'UNREAD'];
const UPDATES = [...PRIMARY, 'CATEGORY_UPDATES'];
const PROMOTIONS = [...PRIMARY, 'CATEGORY_PROMOTIONS'];
const FORUMS = [...PRIMARY, 'CATEGORY_FORUMS'];
/** Filed, but marked important: it asks a search of its own. */
const IMPORTANT_UPDATES = [...UPDATES, 'IMPORTANT'];
const OPENER_LABELS = [PRIMARY, UPDATES, PROMOTIONS, IMPORTANT_UPDATES];

interface Opened {
  subject: string;
  messageId: string;
}

/**
 * One burst a round, to one mailbox in turn, all within a fraction of a second (so all but the
 * first push of the burst are dropped): a CRM mail opening a thread, a colleague's reply in this or
 * an earlier CRM thread of the mailbox, mail from a shop, and every few rounds a CRM mail where the
 * client is only in Cc, or a colleague's mail in a thread of their own (concerns no one).
 */
async function stream(
  w: World,
  mailboxes: readonly string[],
  client: string,
  tally: Tally,
): Promise<void> {
  const opened = new Map<string, Opened[]>();
  const deliver = async (owner: string, raw: string, labels: string[]) =>
    (await w.deliver(owner, raw, labels)).id;
  const stamp = Date.now().toString(36);
  for (let round = 0; round < ROUNDS; round++) {
    await w.simControl('faults', { search_lag_ms: lagAt(round) }, 'PUT');
    const owner = mailboxes[round % mailboxes.length] as string;
    const threads = opened.get(owner) ?? [];
    opened.set(owner, threads);
    const expected: string[] = [];
    const unwanted: string[] = [];

    const opener = {
      subject: `Proposal ${round}`,
      messageId: `<chaos-${stamp}-${round}@customer.test>`,
    };
    const openerLabels = OPENER_LABELS[round % OPENER_LABELS.length] as string[];
    const mail = { from: `Client <${client}>`, to: owner, ...opener };
    expected.push(await deliver(owner, rawMail(mail), openerLabels));
    // Even rounds: a reply in the thread just opened (both wait for search together); odd rounds:
    // in the previous thread of this mailbox, found, or still waiting, by now.
    const target = round % 2 === 0 ? opener : (threads.at(-1) ?? opener);
    threads.push(opener);
    const reply = rawMail({
      from: COLLEAGUE,
      to: owner,
      subject: `Re: ${target.subject}`,
      headers: { 'In-Reply-To': target.messageId, References: target.messageId },
    });
    expected.push(await deliver(owner, reply, round % 3 === 0 ? UPDATES : PRIMARY));
    const news = rawMail({ from: `news${round}@shop.test`, to: owner, subject: `Sale ${round}` });
    unwanted.push(await deliver(owner, news, round % 2 === 0 ? PROMOTIONS : PRIMARY));
    if (round % 3 === 1) {
      const cc = rawMail({ from: PROSPECT, to: owner, cc: client });
      expected.push(await deliver(owner, cc, FORUMS));
    }
    if (round % 3 === 0) {
      const own = rawMail({ from: COLLEAGUE, to: owner, subject: `Lunch ${round}` });
      unwanted.push(await deliver(owner, own, PRIMARY));
    }
    tally.expect(expected);
    tally.unwanted(unwanted);
    await sleep(ROUND_GAP_MS);
  }
  tally.note('pushesDropped', w.sim.ctx.stats.pushes.dropped);
}

async function pendingCount(w: World): Promise<number> {
  const { rows } = await w.pool.query<{ n: number }>(
    'select count(*)::int as n from pending_matches where let_go_at is null',
  );
  return rows[0]?.n ?? 0;
}

/** Pushes at Gmail's cap; search lag as `lagAt` sets it, left on to the end of the run. */
const FAULTS = { push: { per_user_per_sec: 1 }, search_lag_ms: SEARCH_LAG_MS };

export function searchLagScenarios(mailboxes: readonly string[], client: string): Scenario[] {
  const scenario = (name: string, during: (w: World, tally: Tally) => Promise<void>): Scenario => ({
    name,
    // Each round's CRM mail and colleague's reply, and every third round a Cc.
    mails: 2 * ROUNDS + Math.ceil((ROUNDS - 1) / 3),
    repeat: 3,
    settleMs: SETTLE_MS,
    async run(w, _send, tally) {
      await w.setFaults(FAULTS);
      await during(w, tally);
    },
  });
  return [
    scenario('search lag + push cap', async (w, tally) => {
      await stream(w, mailboxes, client, tally);
      tally.note('pendingAfterStream', await pendingCount(w));
    }),
    scenario(
      'search lag + push cap, worker killed while mail waits for search',
      async (w, tally) => {
        const pendingAtKill: number[] = [];
        const kill = async () => {
          pendingAtKill.push(await pendingCount(w));
          await w.kill('worker-0', 'SIGKILL');
          await w.startRole('worker-0', 'worker');
        };
        const streaming = stream(w, mailboxes, client, tally);
        // Twice mid-stream (the index 20 s behind: mail waiting for search), once when the stream's
        // settling searches are due (30 to 60 s after its mail came).
        await sleep(6_000);
        await kill();
        await sleep(10_000);
        await kill();
        await streaming;
        await sleep(20_000);
        await kill();
        tally.note('pendingAtKill', pendingAtKill);
      },
    ),
  ];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
