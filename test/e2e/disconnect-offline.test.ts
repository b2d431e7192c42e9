import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishDisconnect } from '../../src/mailbox/disconnect.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';

const user = { sub: 'u-offline', org: 'org-offline' };
const OWNER = 'offline@vendor.test';

describe('disconnecting while Google is unreachable', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ worker: false });
    expect((await e2e.connect(user, OWNER)).status).toBe(200);
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when the simulator is down, then disconnect still answers 200, owes the revocation, and a retry fails until Google is back', async () => {
    await e2e.sim.close();
    const res = await e2e.api('/integrations/gmail/disconnect', { user, method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      disconnected: true,
      email: OWNER,
      revoked_at_google: false,
    });
    const { rows } = await e2e.database.pool.query(
      `select m.id, m.status, m.pending_revoke, m.sealed_tokens is not null as has_tokens,
              (select count(*)::int from graphile_worker.jobs j where j.key = 'disconnect:' || m.id) as retries
         from mailboxes m where email = $1`,
      [OWNER],
    );
    expect(rows[0]).toMatchObject({
      status: 'disconnected',
      pending_revoke: true,
      has_tokens: true,
      retries: 1,
    });
    const status = (await (await e2e.api('/integrations/gmail/status', { user })).json()) as {
      connected: boolean;
    };
    expect(status.connected).toBe(false);
    const deps = {
      db: e2e.deps.database.db,
      pacers: e2e.deps.pacers,
      mailboxAuth: e2e.deps.mailboxAuth,
      google: e2e.deps.config.google,
      log: e2e.deps.log,
    };
    await expect(finishDisconnect(deps, rows[0].id)).rejects.toThrow(/unreachable/);
  });
});
