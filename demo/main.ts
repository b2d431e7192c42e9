// `npm run demo`: a self-contained walk-through on an embedded PostgreSQL and the Google simulator.
// It runs the real service (web and worker) in this process, connects a simulated mailbox through the
// real OAuth redirects, delivers mail through Gmail → Pub/Sub push, sends a reply through the API,
// and prints what was logged where, why the rest was not, and how long each took; then connects a
// whole Workspace through domain-wide delegation (workspace-story.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { connectThroughConsent, deliverToSimulator, plainMail } from '../src/cli/try-mailbox.ts';
import { DEV_JWT_SECRET, loadConfig } from '../src/config.ts';
import { findFreePort } from '../src/db/embedded-postgres.ts';
import { mintDevToken } from '../src/http/dev-token.ts';
import { createLogger } from '../src/logger.ts';
import { startService } from '../src/service.ts';
import { DEMO_SERVICE_ACCOUNT, runWorkspaceStory } from './workspace-story.ts';

const ORG = 'acme-crm';
const OWNER = 'rita.sales@acme.test';
const say = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  const dir = await mkdtemp(path.join(tmpdir(), 'gmail-sync-demo-'));
  const port = await findFreePort();
  const config = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    // The simulated Workspace's admin authorised this account for domain-wide delegation (step 7).
    GOOGLE_DELEGATION_SERVICE_ACCOUNT: DEMO_SERVICE_ACCOUNT,
  });
  // The service as `npm start` runs it, on a throwaway cluster, with pushes retried quickly.
  const service = await startService(config, createLogger({ level: 'silent' }), {
    embeddedDir: path.join(dir, 'pg'),
    embeddedDurable: false,
    pushBackoffS: { min: 0, max: 1 },
  });
  const url = service.url ?? '';
  const simUrl = `http://${service.config.google.emulatorHost}`;
  say(`gmail-sync demo — service at ${url}, Google simulator at ${simUrl}`);
  try {
    await runStory(url, simUrl, service.deps.database.pool);
    await runWorkspaceStory({ url, simUrl, pool: service.deps.database.pool, org: ORG }, say);
  } finally {
    await service.stop();
    await rm(dir, { recursive: true, force: true });
  }
  say(`\ndone in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function runStory(url: string, simUrl: string, pool: pg.Pool): Promise<void> {
  const token = await mintDevToken(DEV_JWT_SECRET, { sub: 'rita', org: ORG, name: 'Rita Sales' });
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${url}${p}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  say('\n1. The CRM has an org with a contact (with an open deal) and a lead:');
  const contact = await insert(
    pool,
    `insert into contacts (org_id, name, email) values ($1, 'Carla Client', 'carla@client.test') returning id`,
  );
  const lead = await insert(
    pool,
    `insert into leads (org_id, name, email) values ($1, 'Luis Lead', 'luis@prospect.test') returning id`,
  );
  const deal = await insert(
    pool,
    `insert into deals (org_id, title, contact_id) values ($1, 'Annual renewal', '${contact}') returning id`,
  );
  say(
    `   contact Carla <carla@client.test>, lead Luis <luis@prospect.test>, deal "Annual renewal" (Carla)`,
  );

  say('\n2. Rita connects her Gmail through the real OAuth redirects:');
  const { callback } = await connectThroughConsent(url, token, OWNER);
  say(`   consent → callback: ${callback.status} ${JSON.stringify(await callback.json())}`);
  const status = (await (await api('/integrations/gmail/status')).json()) as Record<
    string,
    unknown
  >;
  say(`   status: ${status.status}, watch until ${status.watch_expires_at}`);

  say(
    '\n3. Mail reaches Gmail; Gmail pushes through Pub/Sub; the service logs what concerns the CRM:',
  );
  const mails = [
    {
      from: 'Carla Client <carla@client.test>',
      subject: 'Renewal terms',
      why: 'contact Carla + her open deal',
    },
    {
      from: 'Luis Lead <luis@prospect.test>',
      subject: 'Interested in a demo',
      why: "lead Luis; a first mail waits for Gmail's search to say it concerns the CRM",
    },
    {
      from: 'Newsletter <news@random.test>',
      subject: 'Weekly digest',
      why: 'no CRM participant: not stored',
    },
    {
      from: 'Carla Client <carla@client.test>',
      subject: 'Spammy?',
      why: 'in SPAM: never logged',
      labels: ['SPAM'],
    },
  ];
  for (const m of mails) {
    const raw = plainMail({
      from: m.from,
      to: `Rita <${OWNER}>`,
      subject: m.subject,
      text: `About: ${m.subject}`,
    });
    const t0 = Date.now();
    const { id } = await deliverToSimulator(simUrl, OWNER, raw, m.labels);
    const logged = await waitForActivity(
      pool,
      id,
      m.why.includes('not') || m.why.includes('never') ? 1_500 : 10_000,
    );
    say(
      `   "${m.subject}" from ${m.from}: ${logged ? `logged in ${Date.now() - t0} ms` : 'not logged'} (${m.why})`,
    );
  }

  say('\n4. Rita replies from the CRM; it goes out through her Gmail and is logged once:');
  const [first] = (
    await pool.query(
      `select gmail_message_id from activities where email_subject = 'Renewal terms'`,
    )
  ).rows;
  const t0 = Date.now();
  const sent = await api('/integrations/gmail/send', {
    method: 'POST',
    headers: { 'idempotency-key': 'demo-reply-1' },
    body: JSON.stringify({
      to: ['carla@client.test'],
      subject: 'Re: Renewal terms',
      text: 'Thanks Carla — terms attached soon.',
      reply_to_message_id: first?.gmail_message_id,
      entity_type: 'deal',
      entity_id: deal,
    }),
  });
  say(`   send: ${sent.status} ${JSON.stringify(await sent.json())} in ${Date.now() - t0} ms`);

  say('\n5. A contact added later gets the mail that came before it:');
  const earlier = plainMail({
    from: 'Marta Nova <marta@newclient.test>',
    to: `Rita <${OWNER}>`,
    subject: 'Before you knew me',
    text: 'A first note, before the CRM had me.',
  });
  const { id: earlierId } = await deliverToSimulator(simUrl, OWNER, earlier);
  const before = await waitForActivity(pool, earlierId, 1_500);
  const t1 = Date.now();
  await insert(
    pool,
    `insert into contacts (org_id, name, email) values ($1, 'Marta Nova', 'marta@newclient.test') returning id`,
  );
  const after = await waitForActivity(pool, earlierId, 60_000);
  say(
    `   "Before you knew me" from Marta: ${before ? 'logged' : 'not logged'} before she was a contact; ${after ? `logged ${Date.now() - t1} ms after the contact was added` : 'still not logged'} (a trigger on contacts queues a search of her past mail)`,
  );

  say(
    "\n6. Rita's calendar: a meeting with Carla is pushed by Google Calendar and logged as a meeting:",
  );
  const startAt = new Date(Date.now() + 2 * 86_400_000);
  const t2 = Date.now();
  const created = await fetch(`${simUrl}/__sim/mailboxes/${OWNER}/calendar/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      summary: 'Renewal review',
      start: startAt.toISOString(),
      end: new Date(startAt.getTime() + 1_800_000).toISOString(),
      attendees: ['carla@client.test'],
      conferenceUrl: 'https://meet.google.com/abc-defg-hij',
    }),
  });
  const { id: eventId } = (await created.json()) as { id: string };
  const met = await waitForActivity(pool, `calendar:${eventId}`, 10_000);
  say(
    `   "Renewal review" on ${startAt.toISOString().slice(0, 16)} UTC: ${met ? `logged in ${Date.now() - t2} ms` : 'not logged'} (attendee Carla: her contact and open deal)`,
  );

  say('\n7. The activities, as GET /activities shows them:');
  for (const [type, id, label] of [
    ['contact', contact, 'Carla'],
    ['lead', lead, 'Luis'],
    ['deal', deal, 'Annual renewal'],
  ] as const) {
    const { items } = (await (
      await api(`/activities?entity_type=${type}&entity_id=${id}`)
    ).json()) as {
      items: { type: string; title: string; email_direction: string; links: unknown[] }[];
    };
    say(`   ${type} ${label}: ${items.length} activities`);
    for (const a of items)
      say(
        `     - [${a.type === 'meeting' ? 'meeting' : a.email_direction}] ${a.title} (${a.links.length} links)`,
      );
  }
}

async function insert(pool: pg.Pool, text: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(text, [ORG]);
  return rows[0]?.id ?? '';
}

async function waitForActivity(
  pool: pg.Pool,
  gmailId: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await pool.query('select 1 from activities where gmail_message_id = $1', [
      gmailId,
    ]);
    if (rows.length > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
