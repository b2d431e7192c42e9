// The seed's design, ported faithfully to TypeScript so benchmarks compare like with like
// (../shared/seed/: GmailSyncService.sync_recent_emails). It is the yardstick, not production code:
// a poll lists the last N days in pages of 100, then fetches each message one at a time, and for
// each runs its own look-ups (already synced? a contact with that From? a lead?) before an insert.
// Two deliberate generosities: the seed reads only the first page (this port follows nextPageToken),
// and a 429 aborts the seed's run (this port waits a second and tries again), so it can log as much
// as the service and the ratio measures speed alone.
import type { gmail_v1 } from 'googleapis';
import type pg from 'pg';

export interface BaselineResult {
  listed: number;
  fetched: number;
  logged: number;
  seconds: number;
}

export async function runBaselinePoll(opts: {
  gmail: gmail_v1.Gmail;
  pool: pg.Pool;
  orgId: string;
  mailboxId: string;
  userId: string;
  days: number;
  /** Stops the poll (it is run beside the service and stopped when the service is done). */
  signal?: AbortSignal;
}): Promise<BaselineResult> {
  const stopped = () => opts.signal?.aborted === true;
  const started = performance.now();
  const since = new Date(Date.now() - opts.days * 86_400_000);
  const q = `after:${since.getUTCFullYear()}/${since.getUTCMonth() + 1}/${since.getUTCDate()}`;
  const result = { listed: 0, fetched: 0, logged: 0, seconds: 0 };
  let pageToken: string | undefined;
  do {
    const token = pageToken;
    const { data } = await patiently(() =>
      opts.gmail.users.messages.list({
        userId: 'me',
        q,
        maxResults: 100,
        ...(token ? { pageToken: token } : {}),
      }),
    );
    const messages = data.messages ?? [];
    result.listed += messages.length;
    for (const m of messages) {
      if (!m.id) continue;
      if (stopped()) break;
      if (await processMessage(opts, m.id)) result.logged += 1;
      result.fetched += 1;
    }
    pageToken = stopped() ? undefined : (data.nextPageToken ?? undefined);
  } while (pageToken);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** _process_message: get full, parse headers, check existing, find entity by From, insert. */
async function processMessage(
  opts: { gmail: gmail_v1.Gmail; pool: pg.Pool; orgId: string; mailboxId: string; userId: string },
  id: string,
): Promise<boolean> {
  const { data: message } = await patiently(() =>
    opts.gmail.users.messages.get({ userId: 'me', id, format: 'full' }),
  );
  const headers = new Map(
    (message.payload?.headers ?? []).map((h) => [h.name ?? '', h.value ?? '']),
  );
  const fromEmail = parseEmail(headers.get('From') ?? '');
  const subject = headers.get('Subject') ?? '(No Subject)';
  const body = bodyOf(message);
  const existing = await opts.pool.query(
    `select 1 from activities where type = 'email' and content->>'gmail_message_id' = $1`,
    [id],
  );
  if (existing.rows.length > 0) return false;
  let entity: { type: string; id: string } | undefined;
  const contact = await opts.pool.query('select id from contacts where email = $1 limit 1', [
    fromEmail,
  ]);
  if (contact.rows[0]) entity = { type: 'contact', id: contact.rows[0].id };
  else {
    const lead = await opts.pool.query('select id from leads where email = $1 limit 1', [
      fromEmail,
    ]);
    if (lead.rows[0]) entity = { type: 'lead', id: lead.rows[0].id };
  }
  if (!entity) return false;
  await opts.pool.query(
    `insert into activities (org_id, mailbox_id, gmail_message_id, thread_id, entity_type, entity_id, title,
       description, email_subject, email_direction, content, created_at, created_by, created_by_name)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'received', $10, now(), $11, 'Gmail Sync')
     on conflict do nothing`,
    [
      opts.orgId,
      opts.mailboxId,
      id,
      message.threadId ?? '',
      entity.type,
      entity.id,
      `Email: ${subject}`,
      body.slice(0, 500),
      subject,
      { gmail_message_id: id, from: fromEmail, body, thread_id: message.threadId },
      opts.userId,
    ],
  );
  return true;
}

/** Waits a second and retries on 429, the least a poll must do to finish at all. */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const e = error as { status?: number; response?: { status?: number } };
      if ((e.response?.status ?? e.status) !== 429) throw error;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

function parseEmail(value: string): string {
  return /<(.+?)>/.exec(value)?.[1] ?? value;
}

function bodyOf(message: gmail_v1.Schema$Message): string {
  const parts = message.payload?.parts ?? [];
  const data =
    parts.length === 0
      ? message.payload?.body?.data
      : parts.find((p) => p.mimeType === 'text/plain')?.body?.data;
  return data ? Buffer.from(data, 'base64url').toString('utf8') : '';
}
