// Accounts their admin or Google changed: Gmail turned off, a domain policy against Gmail apps, a
// suspended or deleted account; each answers as other integrations see Google answer, until the
// account is set back to `ok`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { control, faults, gmailFor } from '../support/sim-gmail.ts';

interface Failure {
  status?: number;
  message?: string;
  response?: {
    status?: number;
    data?: {
      error?: string | { message?: string; errors?: { reason?: string; domain?: string }[] };
      error_description?: string;
    };
  };
}
const failed = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: Failure) => e,
  );
const setState = (sim: Simulator, email: string, state: string) =>
  control(sim, 'PUT', `mailboxes/${email}/state`, { state });

describe('the simulated Google account states', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when Gmail is not enabled for the account, then every Gmail call answers 400 failedPrecondition "Mail service not enabled" until it is', async () => {
    const { gmail } = await gmailFor(sim, 'nomail@sim.test');
    await setState(sim, 'nomail@sim.test', 'mail_disabled');
    const e = await failed(gmail.users.history.list({ userId: 'me', startHistoryId: '1' }));
    expect(e.status).toBe(400);
    expect(e.response?.data?.error).toMatchObject({
      message: 'Mail service not enabled',
      errors: [{ reason: 'failedPrecondition', domain: 'global' }],
    });
    await setState(sim, 'nomail@sim.test', 'ok');
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe(
      'nomail@sim.test',
    );
  });

  it('when the domain disabled Gmail apps, then Gmail calls answer 403 domainPolicy, and the token still refreshes', async () => {
    const { gmail, auth } = await gmailFor(sim, 'policy@corp.test');
    await setState(sim, 'policy@corp.test', 'domain_policy');
    const e = await failed(gmail.users.getProfile({ userId: 'me' }));
    expect(e.status).toBe(403);
    expect(e.response?.data?.error).toMatchObject({
      message: 'The domain administrators have disabled Gmail apps.',
      errors: [{ reason: 'domainPolicy' }],
    });
    expect((await auth.refreshAccessToken()).credentials.access_token).toMatch(/^ya29\./);
  });

  it('when the account is suspended, then its tokens stop working and a refresh answers invalid_grant "Invalid email or User ID"; reinstated, the same grant works again', async () => {
    const { gmail, auth } = await gmailFor(sim, 'suspended@corp.test');
    await setState(sim, 'suspended@corp.test', 'suspended');
    expect((await failed(gmail.users.getProfile({ userId: 'me' }))).status).toBe(401);
    // The refresh a client makes on that 401 is refused, and says why.
    const e = await failed(auth.refreshAccessToken());
    expect(e.response?.status).toBe(400);
    expect(e.response?.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid email or User ID',
    });
    await setState(sim, 'suspended@corp.test', 'ok');
    expect((await auth.refreshAccessToken()).credentials.access_token).toMatch(/^ya29\./);
    expect((await gmail.users.getProfile({ userId: 'me' })).status).toBe(200);
  });

  it('when the account is deleted, then a refresh answers invalid_grant "Account has been deleted"', async () => {
    const { gmail, auth } = await gmailFor(sim, 'gone@corp.test');
    await setState(sim, 'gone@corp.test', 'deleted');
    expect((await failed(gmail.users.getProfile({ userId: 'me' }))).status).toBe(401);
    const e = await failed(auth.refreshAccessToken());
    expect(e.response?.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Account has been deleted',
    });
  });

  it('when the state is not one Google has, then the control API refuses it', async () => {
    await expect(setState(sim, 'x@corp.test', 'banned')).rejects.toThrow(/400/);
  });
});
