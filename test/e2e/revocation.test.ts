import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK } from '../../src/queue/job-names.ts';
import { type E2E, startE2E, type TestUser } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

// A grant that ends is the mailbox's state, whichever call finds out; our own failures are not
// Google's and are not retried as if Google were unreachable.
describe('grants that end, and tokens that do not open', () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
  });
  afterAll(() => e2e.close());

  async function connected(user: TestUser, email: string): Promise<string> {
    expect((await e2e.connect(user, email)).status).toBe(200);
    const { rows } = await e2e.database.pool.query('select id from mailboxes where email = $1', [
      email,
    ]);
    return rows[0].id;
  }

  it('when the grant was revoked and a reply looks up its original, then the send answers 409 mailbox_revoked and the mailbox is revoked once', async () => {
    const user = { sub: 'u-reply', org: 'org-rev' };
    const email = 'reply@acme.test';
    const id = await connected(user, email);
    const original = await e2e.deliver(
      email,
      rawMail({ from: 'carla@client.test', to: email, subject: 'Pergunta' }),
    );
    await e2e.simControl(`mailboxes/${email}/revoke`, { method: 'POST' });
    await e2e.simControl(`mailboxes/${email}/expire-tokens`, { method: 'POST' });
    e2e.deps.mailboxAuth.forget(id);

    const res = await e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': 'reply-after-revoke' },
      body: JSON.stringify({
        to: ['carla@client.test'],
        subject: 'Re: Pergunta',
        text: 'Resposta',
        reply_to_message_id: original.id,
      }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('mailbox_revoked');
    const { rows } = await e2e.database.pool.query(
      `select m.status, (select count(*)::int from events e
                          where e.mailbox_id = m.id and e.type = 'mailbox.revoked') as events
         from mailboxes m where m.id = $1`,
      [id],
    );
    expect(rows).toEqual([{ status: 'revoked', events: 1 }]);
  });

  it('when the tokens no longer open (a vault failure), then disconnect shreds them, logs an error, and owes Google nothing', async () => {
    const user = { sub: 'u-vault', org: 'org-rev' };
    const email = 'vault@acme.test';
    const id = await connected(user, email);
    e2e.deps.mailboxAuth.forget(id);
    // Tampered ciphertext: AES-GCM refuses it, as it would a key that is gone.
    await e2e.database.pool.query(
      `update mailboxes set sealed_tokens = overlay(sealed_tokens placing '\\xff'::bytea from 20)
        where id = $1`,
      [id],
    );

    const res = await e2e.api('/integrations/gmail/disconnect', { user, method: 'DELETE' });
    expect(res.status).toBe(200);
    const { rows } = await e2e.database.pool.query(
      `select m.status, m.sealed_tokens, m.pending_revoke,
              (select count(*)::int from graphile_worker.jobs j
                where j.task_identifier = $2 and j.key = 'disconnect:' || m.id) as owed
         from mailboxes m where m.id = $1`,
      [id, TASK.finishDisconnect],
    );
    expect(rows).toEqual([
      { status: 'disconnected', sealed_tokens: null, pending_revoke: false, owed: 0 },
    ]);
    expect(e2e.logs.text()).toContain('tokens do not open: grant not revoked');
  });

  it("when an app in Testing status sees its grant expire after 7 days, then status and the revoked event say Google's reason", async () => {
    const user = { sub: 'u-testing', org: 'org-rev' };
    const email = 'testing@acme.test';
    const id = await connected(user, email);
    await e2e.simControl(`mailboxes/${email}/expire-grant`, { method: 'POST' });
    await e2e.simControl(`mailboxes/${email}/expire-tokens`, { method: 'POST' });
    e2e.deps.mailboxAuth.forget(id);
    const started = await e2e.startWorker();
    try {
      await e2e.api('/integrations/gmail/sync', { user, method: 'POST', body: '{}' });
      const { rows } = await waitForRevoked(id);
      expect(rows[0].last_error).toContain('Token has been expired or revoked.');
      expect(rows[0].reason).toContain('Token has been expired or revoked.');
      const status = (await (await e2e.api('/integrations/gmail/status', { user })).json()) as {
        status: string;
        last_error: string;
      };
      expect(status).toMatchObject({ status: 'revoked' });
      expect(status.last_error).toContain('Token has been expired or revoked.');
    } finally {
      await started.stop();
    }
  });

  async function waitForRevoked(id: string) {
    return waitFor(
      async () => {
        const result = await e2e.database.pool.query(
          `select m.last_error, e.payload->>'reason' as reason
             from mailboxes m join events e on e.mailbox_id = m.id and e.type = 'mailbox.revoked'
            where m.id = $1 and m.status = 'revoked'`,
          [id],
        );
        return result.rows.length > 0 && result;
      },
      { timeoutMs: 15_000, intervalMs: 50, what: 'the mailbox revoked and its event' },
    );
  }
});
