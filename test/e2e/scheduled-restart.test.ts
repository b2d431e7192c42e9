// A scheduled mail survives its worker being killed: the web role in this process, the worker a
// real child process (`node src/main.ts --role worker`) killed with SIGKILL twice before the mail
// is due and started again; the mail goes once, within 5 s of its time (CONTRACT: "at its time ±
// a few seconds"). The delay is shortened here; `npm run chaos` runs it 90 s ahead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-sched';
const user = { sub: 'user-sched', org: ORG, name: 'Rita' };
const OWNER = 'rita@sched.test';
const LEAD_MS = Number(process.env.SCHEDULED_LEAD_MS ?? 20_000);

describe('a scheduled mail while its worker is killed', () => {
  let e2e: E2E;
  let worker: ServiceProcess | undefined;
  const startWorker = () =>
    startService({
      role: 'worker',
      env: {
        DATABASE_URL: e2e.database.url,
        GOOGLE_EMULATOR_HOST: e2e.sim.hostPort,
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
      },
    });
  const workerUp = (w: ServiceProcess) =>
    waitFor(async () => /"msg":"listening"|listening/.test(w.output()), {
      timeoutMs: 30_000,
      what: 'the worker started',
    });

  beforeAll(async () => {
    e2e = await startE2E({ worker: false, scheduleMinLeadMs: 1_000 });
    await addContact(e2e.deps.database.db, ORG, 'Bruno', 'bruno@client.test');
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await e2e.close();
  });

  it('when the worker is killed twice before the mail is due, then it goes once, within 5 s of its time', {
    timeout: LEAD_MS + 90_000,
  }, async () => {
    worker = await startWorker();
    await workerUp(worker);
    const sendAt = new Date(Date.now() + LEAD_MS);
    const res = await e2e.api('/integrations/gmail/send', {
      user,
      method: 'POST',
      headers: { 'idempotency-key': 'restart-1' },
      body: JSON.stringify({
        to: ['bruno@client.test'],
        subject: 'Agendada e resistente',
        text: 'Segue.',
        send_at: sendAt.toISOString(),
      }),
    });
    expect(res.status).toBe(202);
    const { scheduled_id } = (await res.json()) as { scheduled_id: string };

    for (let kill = 0; kill < 2; kill++) {
      await new Promise((resolve) => setTimeout(resolve, LEAD_MS / 5));
      await worker.stop('SIGKILL');
      worker = await startWorker();
      await workerUp(worker);
    }
    const { rows } = await waitFor(
      async () => {
        const got = await e2e.database.pool.query(
          `select status, send_at, sent_at from scheduled_sends where id = $1 and status = 'sent'`,
          [scheduled_id],
        );
        return got.rows.length > 0 && got;
      },
      { timeoutMs: LEAD_MS + 30_000, what: 'the scheduled mail sent' },
    );
    const lateMs = new Date(rows[0].sent_at).getTime() - new Date(rows[0].send_at).getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThan(5_000);
    const sent = await e2e.simControl(`mailboxes/${OWNER}/sent`);
    const { messages } = (await sent.json()) as { messages: { raw: string }[] };
    const copies = messages.filter((m) =>
      Buffer.from(m.raw, 'base64url').toString('utf8').includes('Subject: Agendada e resistente'),
    );
    expect(copies).toHaveLength(1);
  });
});
