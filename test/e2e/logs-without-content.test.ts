import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-quiet-logs';
const OWNER = 'quiet@vendor.test';
const SUBJECT = 'Confidential merger terms QX7Z';
const BODY = 'The price is 41 million; keep this between us. BODYMARK9';

describe('database errors reach logs and jobs without mail content', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Client', 'client@customer.test');
    expect((await e2e.connect({ sub: 'u-quiet', org: ORG }, OWNER)).status).toBe(200);
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when storing a mail fails in PostgreSQL, then neither the logs nor the job, mailbox or failure rows carry its subject or body', async () => {
    // PostgreSQL refuses the row with an internal error (not the data's fault, so the job fails
    // and is retried) whose message quotes the value, as PostgreSQL's messages about values do.
    await e2e.database.pool.query(`
      create function refuse_activity() returns trigger language plpgsql as $$
      begin
        raise exception 'could not store the value "%"', new.email_subject
          using errcode = 'XX000';
      end $$;
      create trigger refuse_activity before insert on activities
        for each row execute function refuse_activity();`);
    await e2e.deliver(
      OWNER,
      rawMail({ from: 'client@customer.test', to: OWNER, subject: SUBJECT, body: BODY }),
    );

    const failed = await waitFor(
      async () => {
        const { rows } = await e2e.database.pool.query<{ last_error: string }>(
          `select last_error from graphile_worker.jobs
            where task_identifier = 'sync_mailbox' and last_error is not null`,
        );
        return rows[0];
      },
      { what: 'the sync job to fail', timeoutMs: 20_000 },
    );
    const stored = await e2e.database.pool.query<{ text: string }>(`
      select coalesce(last_error, '') as text from mailboxes
      union all select last_error from message_failures
      union all select coalesce(reason, '') || coalesce(payload::text, '') from dead_letters`);
    const everything = [e2e.logs.text(), failed.last_error, ...stored.rows.map((r) => r.text)].join(
      '\n',
    );

    // The failure is still said, with what a reader needs: the statement and PostgreSQL's words.
    expect(failed.last_error).toContain('Failed query');
    expect(e2e.logs.text()).toContain('could not store the value');
    for (const secret of ['QX7Z', 'BODYMARK9', 'Confidential', '41 million']) {
      expect(everything).not.toContain(secret);
    }
  });
});
