// `node bench/eta-and-pacing.ts`: the two claims about wall time that the suite no longer makes
// (a test asserts behaviour; how fast is a measurement, taken here, on an otherwise idle machine).
//
// 1. The ETA a backfill shows at 10 % done, against the time the backfill really took from there
//    (300 mails, the 2026 quota profile and the simulator's real per-user quota). Target: within
//    25 %.
// 2. How close to Gmail's per-user bound the pacer fetches a mailbox (60 gets in a one-second
//    window, then 30 in a minute window that another client has just spent, counted from the
//    minute's turn). Target: >= 0.9 of the
//    bound in the one-second window, >= 0.9 once the minute window has moved.
//
// Prints one line per figure; `--only eta` or `--only pacing` runs one of them.
import { parseArgs } from 'node:util';
import { type Simulator, startSimulator } from '../sim/index.ts';
import { makeGmailBatch } from '../src/google/gmail-batch.ts';
import { callGmail } from '../src/google/gmail-call.ts';
import { makePacerRegistry } from '../src/google/mailbox-pacer.ts';
import { quotaCost } from '../src/google/quota-costs.ts';
import { round } from './measure.ts';
import { addContacts, gmailClient, mailboxContents } from './scenarios/fixtures.ts';
import { startWorld, type World } from './world.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);
const GET_UNITS = quotaCost('2026', 'messages.get');

interface Progress {
  phase: string;
  done: number;
  total: number;
  eta_seconds: number | null;
}

/** The ETA at 10 % done over the seconds the backfill really took from there. */
async function etaAccuracy(): Promise<void> {
  const ORG = 'org-eta';
  const OWNER = 'backfill@vendor.test';
  const MAILS = 300;
  const world = await startWorld({ env: { GMAIL_QUOTA_PROFILE: '2026' } });
  try {
    await addContacts(world, ORG);
    // Every mail from a contact: all 300 are fetched and logged.
    world.seed(
      OWNER,
      mailboxContents(OWNER, MAILS * 5, MAILS).filter((_, i) => i % 5 === 0),
    );
    const auth = { authorization: `Bearer ${await world.token('u-eta', ORG)}` };
    const progress = async () =>
      (
        (await (
          await fetch(`${world.webUrl}/integrations/gmail/status`, { headers: auth })
        ).json()) as {
          progress: Progress | null;
        }
      ).progress;
    await world.connect('u-eta', ORG, OWNER);
    let atTenth: { p: Progress; at: number } | undefined;
    while (!atTenth) {
      const p = await progress();
      if (p && p.total > 0 && p.done >= p.total / 10) atTenth = { p, at: performance.now() };
      else await pause(50);
    }
    while ((await progress()) !== null) await pause(50);
    const actual = (performance.now() - atTenth.at) / 1000;
    const eta = atTenth.p.eta_seconds ?? 0;
    say(
      `eta: at ${atTenth.p.done}/${atTenth.p.total} the ETA was ${eta} s; it took ${round(actual, 1)} s ` +
        `(error ${round((100 * Math.abs(eta - actual)) / actual, 1)} %, target <= 25 %)`,
    );
  } finally {
    await world.close();
  }
}

/** The fraction of the per-user bound reached, in each quota window. */
async function pacing(): Promise<void> {
  const sim = await startSimulator({ port: 0 });
  const faults = (body: object) =>
    fetch(`${sim.baseUrl}/__sim/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reset: true, ...body }),
    });
  const world = { sim, pool: { query: async () => ({ rows: [] }) } } as unknown as World;
  try {
    const second = await mailbox(sim, world, 'second@vendor.test', 60);
    await faults({ quota_units_per_sec: 300 });
    const pacer = makePacerRegistry({ profile: '2026', unitsPerSecond: 300 }).forMailbox(
      'second@vendor.test',
    );
    const started = performance.now();
    await Promise.all(
      second.ids.map((id) =>
        callGmail(pacer, 'messages.get', () =>
          second.gmail.users.messages.get({ userId: 'me', id }),
        ),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    say(
      `pacing, one-second window: ${round((second.ids.length * GET_UNITS) / seconds / 300)} of the bound (target >= 0.9)`,
    );

    const minute = await mailbox(sim, world, 'minute@vendor.test', 30);
    await faults({ quota_units_per_sec: 100, quota_window: 'minute' });
    const batch = makeGmailBatch(minute.auth, `${sim.baseUrl}/`);
    let spentAt = 0;
    while (spentAt === 0) {
      const answers = await batch.getMessages(minute.ids.slice(0, 10), 'minimal');
      if (answers.some((a) => 'error' in a)) spentAt = Date.now();
    }
    const windowMoves = Math.ceil(spentAt / 60_000) * 60_000;
    const minutePacer = makePacerRegistry({ profile: '2026', unitsPerSecond: 100 }).forMailbox(
      'minute@vendor.test',
    );
    await Promise.all(
      minute.ids.map((id) =>
        callGmail(minutePacer, 'messages.get', () =>
          minute.gmail.users.messages.get({ userId: 'me', id }),
        ),
      ),
    );
    const afterMove = (Date.now() - windowMoves) / 1000;
    say(
      `pacing, minute window after it moved: ${round((minute.ids.length * GET_UNITS) / afterMove / 100)} of the bound (target >= 0.9)`,
    );
  } finally {
    await sim.close();
  }
}

async function mailbox(sim: Simulator, world: World, email: string, count: number) {
  const { gmail, auth } = await gmailClient(world, email);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${sim.baseUrl}/__sim/mailboxes/${email}/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: `From: a@b.test\r\nTo: ${email}\r\nSubject: m${i}\r\n\r\nx` }),
    });
    ids.push(((await res.json()) as { id: string }).id);
  }
  await fetch(`${sim.baseUrl}/__sim/reset-stats`, { method: 'POST' });
  return { gmail, auth, ids };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { values } = parseArgs({ options: { only: { type: 'string' } } });
if (values.only !== 'pacing') await etaAccuracy();
if (values.only !== 'eta') await pacing();
