import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import {
  consent,
  control,
  failure,
  gmailFor,
  SCOPES,
  simOAuthClient,
} from '../support/sim-gmail.ts';

describe('the life of a simulated OAuth grant', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });
  const exchange = async (email: string, prompt: 'consent' | null, scopes = SCOPES) => {
    const client = simOAuthClient(sim);
    const { code, verifier } = await consent(client, email, scopes, prompt);
    return (await client.getToken({ code, codeVerifier: verifier })).tokens;
  };

  it('when the user consents again without prompt=consent, then no refresh token; with it, a new one', async () => {
    const first = await exchange('again@sim.test', null);
    expect(first.refresh_token).toMatch(/^1\/\//);
    expect(first.access_token).toMatch(/^ya29\./);
    const second = await exchange('again@sim.test', null);
    expect(second.refresh_token).toBeUndefined();
    expect(second.access_token).toMatch(/^ya29\./);
    const forced = await exchange('again@sim.test', 'consent');
    expect(forced.refresh_token).toMatch(/^1\/\//);
    // Once the grant is revoked, the next consent is a first consent again.
    await control(sim, 'POST', 'mailboxes/again@sim.test/revoke');
    expect((await exchange('again@sim.test', null)).refresh_token).toMatch(/^1\/\//);
  });

  it('when the user unticks a scope on the consent screen, then it is not granted, once', async () => {
    await control(sim, 'PUT', 'mailboxes/untick@sim.test/consent', {
      untick: ['https://www.googleapis.com/auth/gmail.send'],
    });
    const partial = await exchange('untick@sim.test', 'consent');
    expect(partial.scope).toBe('https://www.googleapis.com/auth/gmail.readonly');
    const { gmail } = await gmailFor(sim, 'untick@sim.test');
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe(
      'untick@sim.test',
    );
    const whole = await exchange('untick@sim.test', 'consent');
    expect(whole.scope?.split(' ').sort()).toEqual([...SCOPES].sort());
  });

  it('when the grant expires as in Testing status, then refresh answers invalid_grant "Token has been expired or revoked."', async () => {
    const { auth, gmail } = await gmailFor(sim, 'testing@sim.test');
    await control(sim, 'POST', 'mailboxes/testing@sim.test/expire-grant');
    const refreshed = await auth
      .refreshAccessToken()
      .catch((e: { response?: { data?: unknown } }) => e);
    expect((refreshed as { response?: { data?: unknown } }).response?.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    // The access token already issued lives out its hour.
    expect(await failure(gmail.users.getProfile({ userId: 'me' }))).toEqual({ status: 200 });
  });
});
