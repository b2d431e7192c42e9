import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const user = { sub: 'u-secret', org: 'org-secret' };
const OWNER = 'secret@vendor.test';

describe('tokens are secrets end to end', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when a mailbox connects, refreshes its token, syncs and disconnects, then neither the database nor the logs hold a token', async () => {
    await addContact(e2e.deps.database.db, user.org, 'Client', 'client@customer.test');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
    // Force a refresh: the simulator expires the access token, the next Gmail call refreshes it.
    await e2e.simControl(`mailboxes/${OWNER}/expire-tokens`, { method: 'POST' });
    const { id } = await e2e.deliver(OWNER, rawMail({ from: 'client@customer.test', to: OWNER }));
    await waitFor(async () => {
      const { rows } = await e2e.database.pool.query(
        'select 1 from activities where gmail_message_id = $1',
        [id],
      );
      return rows.length > 0;
    });
    const sealedBefore = await e2e.database.pool.query(
      'select sealed_tokens from mailboxes where email = $1',
      [OWNER],
    );
    expect(sealedBefore.rows[0].sealed_tokens).toBeInstanceOf(Buffer);

    const dumpWhileConnected = await dump(e2e);
    expect(
      (await e2e.api('/integrations/gmail/disconnect', { user, method: 'DELETE' })).status,
    ).toBe(200);
    const dumpAfter = await dump(e2e);

    for (const text of [dumpWhileConnected, dumpAfter, e2e.logs.text()]) {
      expect(text).not.toMatch(/ya29\./);
      expect(text).not.toMatch(/1\/\/[\w-]{10,}/);
    }
    expect(e2e.logs.text()).toContain('mailbox connected');
  });
});

/** Every row of every table, as text (what pg_dump --data-only would print, on any server version). */
async function dump(e2e: E2E): Promise<string> {
  const pool = e2e.database.pool;
  const { rows: tables } = await pool.query<{ name: string }>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_schema in ('public', 'graphile_worker', 'drizzle') and table_type = 'BASE TABLE'`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await pool.query(`select t::text as row from ${name} t`);
    parts.push(...rows.map((r) => String(r.row)));
  }
  // bytea prints as hex: decode it so a token stored raw would show.
  return parts
    .map((p) =>
      p.replace(/\\x([0-9a-f]+)/g, (_m, hex: string) => Buffer.from(hex, 'hex').toString('latin1')),
    )
    .join('\n');
}
