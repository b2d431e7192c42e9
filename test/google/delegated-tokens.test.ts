import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { loadConfig } from '../../src/config.ts';
import { makeGmail } from '../../src/google/clients.ts';
import {
  type Delegation,
  delegatedClient,
  makeDelegation,
} from '../../src/google/delegated-tokens.ts';
import { classifyGoogleError } from '../../src/google/gmail-errors.ts';
import { control } from '../support/sim-gmail.ts';

const SA = 'sync@crm-prod.iam.gserviceaccount.com';
const READ = 'https://www.googleapis.com/auth/gmail.readonly';

describe('tokens minted through domain-wide delegation', () => {
  let sim: Simulator;
  let delegation: Delegation;
  let google: ReturnType<typeof loadConfig>['google'];
  const mints = async (email: string) =>
    (
      (await control(sim, 'GET', 'stats')) as {
        users: Record<string, { calls: Record<string, number> }>;
      }
    ).users[email]?.calls['oauth.jwt_bearer'] ?? 0;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    google = loadConfig({
      GOOGLE_EMULATOR_HOST: sim.hostPort,
      GOOGLE_DELEGATION_SERVICE_ACCOUNT: SA,
    }).google;
    const made = makeDelegation(google);
    if (!made) throw new Error('delegation not configured');
    delegation = made;
    await control(sim, 'POST', 'workspaces', {
      domain: 'corp.test',
      users: [{ email: 'lia@corp.test' }, { email: 'off@corp.test', suspended: true }],
      delegation: { [SA]: [READ] },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when many calls need a token at once, then one is minted, kept until near its end, and minted again when Google refuses it', async () => {
    const gmail = makeGmail(google, delegatedClient(google, delegation, 'lia@corp.test', [READ]));
    const profile = () => gmail.users.getProfile({ userId: 'me' });
    const first = await Promise.all(Array.from({ length: 10 }, profile));
    expect(first.every((r) => r.data.emailAddress === 'lia@corp.test')).toBe(true);
    expect(await mints('lia@corp.test')).toBe(1);
    await Promise.all(Array.from({ length: 10 }, profile));
    expect(await mints('lia@corp.test')).toBe(1);
    // Google ends the token early (a password change, say): the 401 mints a new one, once.
    await control(sim, 'POST', 'mailboxes/lia@corp.test/expire-tokens');
    expect((await profile()).data.emailAddress).toBe('lia@corp.test');
    expect(await mints('lia@corp.test')).toBe(2);
  });

  it("when the user is suspended, then the account is out of reach for now; when the scope was not authorised, then the grant is lost, with Google's reason", async () => {
    const suspended = await delegation.mint('off@corp.test', [READ]).catch((e: unknown) => e);
    // Suspended, not gone: the mailbox waits for the admin to reinstate the user.
    expect(classifyGoogleError(suspended)).toEqual({
      kind: 'account_unavailable',
      reason: 'suspended',
    });
    const send = 'https://www.googleapis.com/auth/gmail.send';
    const unauthorized = await delegation.mint('lia@corp.test', [READ, send]).catch((e) => e);
    expect(classifyGoogleError(unauthorized)).toMatchObject({
      kind: 'revoked',
      reason: expect.stringMatching(/^unauthorized_client: Client is unauthorized/),
    });
  });

  it("when the client id is asked, then it is the service account's, from the IAM API", async () => {
    expect(await delegation.clientId()).toMatch(/^\d{21}$/);
  });
});
