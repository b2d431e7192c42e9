import { OAuth2Client } from 'google-auth-library';
import { type admin_directory_v1, google } from 'googleapis';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { control, failure } from '../support/sim-gmail.ts';

const SA = 'sync@crm-project.iam.gserviceaccount.com';
const GMAIL_READ = 'https://www.googleapis.com/auth/gmail.readonly';
const GMAIL_SEND = 'https://www.googleapis.com/auth/gmail.send';
const DIRECTORY = 'https://www.googleapis.com/auth/admin.directory.user.readonly';

/** Google's own IAM Credentials client against the simulator (the simulator asks no credentials). */
function iamCredentials(sim: Simulator) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: 'ya29.runtime-identity' });
  return google.iamcredentials({ version: 'v1', auth, rootUrl: `${sim.baseUrl}/` });
}

async function signJwt(sim: Simulator, claims: Record<string, unknown>, account = SA) {
  const { data } = await iamCredentials(sim).projects.serviceAccounts.signJwt({
    name: `projects/-/serviceAccounts/${account}`,
    requestBody: { payload: JSON.stringify(claims) },
  });
  return data;
}

/** The token endpoint's answer to a JWT the service account signed through signJwt. */
async function exchange(sim: Simulator, claims: Record<string, unknown>, account = SA) {
  const { signedJwt } = await signJwt(sim, claims, account);
  const res = await fetch(`${sim.baseUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: signedJwt ?? '',
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const now = () => Math.floor(Date.now() / 1000);
const claimsFor = (sub: string, scopes: string[], extra: Record<string, unknown> = {}) => ({
  iss: SA,
  sub,
  scope: scopes.join(' '),
  aud: 'https://oauth2.googleapis.com/token',
  iat: now(),
  exp: now() + 3600,
  ...extra,
});

/** google-auth-library's OAuth2Client minting its tokens through delegation, as the service does. */
function delegatedAuth(sim: Simulator, sub: string, scopes: string[]): OAuth2Client {
  const auth = new OAuth2Client();
  auth.refreshHandler = async () => {
    const answer = await exchange(sim, claimsFor(sub, scopes));
    if (answer.status !== 200) throw new Error(JSON.stringify(answer.body));
    return {
      access_token: String(answer.body.access_token),
      expiry_date: Date.now() + Number(answer.body.expires_in) * 1000,
    };
  };
  return auth;
}

describe('service accounts and domain-wide delegation in the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    await control(sim, 'POST', 'workspaces', {
      domain: 'acme.test',
      users: [
        { email: 'boss@acme.test', is_admin: true },
        { email: 'ana@acme.test' },
        { email: 'gone@acme.test', suspended: true },
      ],
      delegation: { [SA]: [GMAIL_READ, GMAIL_SEND, DIRECTORY] },
    });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('when signJwt is asked, then it answers the key id and a JWT its published key verifies, an hour long unless told', async () => {
    const signed = await signJwt(sim, { iss: SA, sub: 'ana@acme.test' });
    expect(signed.keyId).toMatch(/^[0-9a-f]{40}$/);
    const keys = createRemoteJWKSet(new URL(`${sim.baseUrl}/service_accounts/v1/jwk/${SA}`));
    const { payload, protectedHeader } = await jwtVerify(signed.signedJwt ?? '', keys);
    expect(protectedHeader.kid).toBe(signed.keyId);
    expect(payload.sub).toBe('ana@acme.test');
    expect(payload.exp).toBeGreaterThan(now() + 3500);
    const tooLong = await failure(signJwt(sim, { iss: SA, exp: now() + 13 * 3600 }));
    expect(tooLong.status).toBe(400);
    const notAnAccount = await failure(signJwt(sim, { iss: SA }, 'someone@gmail.com'));
    expect(notAnAccount.status).toBe(404);
  });

  it("when the admin authorised the client, then a delegated token reads the user's Gmail with no consent, on the user's own quota", async () => {
    const auth = delegatedAuth(sim, 'ana@acme.test', [GMAIL_READ]);
    const gmail = google.gmail({ version: 'v1', auth, rootUrl: `${sim.baseUrl}/`, retry: false });
    const profile = await gmail.users.getProfile({ userId: 'me' });
    expect(profile.data.emailAddress).toBe('ana@acme.test');
    const stats = (await control(sim, 'GET', 'stats')) as {
      users: Record<string, { calls: Record<string, number>; units: number }>;
    };
    expect(stats.users['ana@acme.test']?.calls.getProfile).toBe(1);
    expect(stats.users['ana@acme.test']?.calls['oauth.jwt_bearer']).toBe(1);
    const answer = await exchange(sim, claimsFor('ana@acme.test', [GMAIL_READ]));
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^ya29\./),
      expires_in: 3600,
      token_type: 'Bearer',
    });
  });

  it('when a scope or the client was not authorised, then 401 unauthorized_client in Google words', async () => {
    const unauthorized = {
      status: 401,
      body: {
        error: 'unauthorized_client',
        error_description:
          'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      },
    };
    const modify = 'https://www.googleapis.com/auth/gmail.modify';
    expect(await exchange(sim, claimsFor('ana@acme.test', [GMAIL_READ, modify]))).toEqual(
      unauthorized,
    );
    const other = 'other@crm-project.iam.gserviceaccount.com';
    expect(
      await exchange(sim, { ...claimsFor('ana@acme.test', [GMAIL_READ]), iss: other }, other),
    ).toEqual(unauthorized);
    expect(await exchange(sim, claimsFor('someone@elsewhere.test', [GMAIL_READ]))).toEqual(
      unauthorized,
    );
  });

  it('when the user is suspended or deleted, then invalid_grant, and their tokens stop working at once', async () => {
    const noUser = {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid email or User ID' },
    };
    expect(await exchange(sim, claimsFor('gone@acme.test', [GMAIL_READ]))).toEqual(noUser);
    expect(await exchange(sim, claimsFor('nobody@acme.test', [GMAIL_READ]))).toEqual(noUser);

    await control(sim, 'POST', 'workspaces', {
      domain: 'short.test',
      users: [{ email: 'leaver@short.test' }],
      delegation: { [SA]: [GMAIL_READ] },
    });
    const token = (await exchange(sim, claimsFor('leaver@short.test', [GMAIL_READ]))).body;
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: String(token.access_token) });
    const gmail = google.gmail({ version: 'v1', auth, rootUrl: `${sim.baseUrl}/`, retry: false });
    expect((await failure(gmail.users.getProfile({ userId: 'me' }))).status).toBe(200);
    await control(sim, 'PUT', 'workspaces/short.test/users', {
      users: [{ email: 'leaver@short.test', suspended: true }],
    });
    expect((await failure(gmail.users.getProfile({ userId: 'me' }))).status).toBe(401);
    expect(await exchange(sim, claimsFor('leaver@short.test', [GMAIL_READ]))).toEqual(noUser);
    // Deleted (left out of the list): the deleted wording; reinstated: tokens again.
    await control(sim, 'PUT', 'workspaces/short.test/users', { users: [] });
    expect(await exchange(sim, claimsFor('leaver@short.test', [GMAIL_READ]))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The account has been deleted' },
    });
    await control(sim, 'PUT', 'workspaces/short.test/users', {
      users: [{ email: 'leaver@short.test' }],
    });
    expect((await exchange(sim, claimsFor('leaver@short.test', [GMAIL_READ]))).status).toBe(200);
  });

  it('when the JWT lives past an hour, names another audience or is not signed by the account, then invalid_grant', async () => {
    const long = await exchange(
      sim,
      claimsFor('ana@acme.test', [GMAIL_READ], { exp: now() + 7200 }),
    );
    expect(long).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(String(long.body.error_description)).toContain('short-lived token (60 minutes)');
    const audience = await exchange(
      sim,
      claimsFor('ana@acme.test', [GMAIL_READ], { aud: 'https://example.test/token' }),
    );
    expect(audience).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // Signed by another account's key while claiming to be SA.
    const other = 'mallory@crm-project.iam.gserviceaccount.com';
    const forged = await exchange(sim, claimsFor('ana@acme.test', [GMAIL_READ]), other);
    expect(forged).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
    });
  });

  it("when the directory is read as the domain's admin, then every user comes, paged, with suspended; anyone else is refused", async () => {
    await control(sim, 'POST', 'workspaces', {
      domain: 'big.test',
      users: [
        { email: 'admin@big.test', is_admin: true },
        ...Array.from({ length: 249 }, (_, i) => ({
          email: `u${i}@big.test`,
          suspended: i % 50 === 0,
        })),
      ],
      delegation: { [SA]: [DIRECTORY, GMAIL_READ] },
    });
    const directory = (sub: string, scopes = [DIRECTORY]) =>
      google.admin({
        version: 'directory_v1',
        auth: delegatedAuth(sim, sub, scopes),
        rootUrl: `${sim.baseUrl}/`,
        retry: false,
      });
    const admin = directory('admin@big.test');
    const users: admin_directory_v1.Schema$User[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await admin.users.list({
        domain: 'big.test',
        maxResults: 100,
        ...(pageToken ? { pageToken } : {}),
      });
      users.push(...(data.users ?? []));
      pageToken = data.nextPageToken ?? undefined;
      pages += 1;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(users).toHaveLength(250);
    expect(users.filter((u) => u.suspended).map((u) => u.primaryEmail)).toEqual([
      'u0@big.test',
      'u50@big.test',
      'u100@big.test',
      'u150@big.test',
      'u200@big.test',
    ]);

    const notAdmin = await failure(directory('u1@big.test').users.list({ domain: 'big.test' }));
    expect(notAdmin).toEqual({
      status: 403,
      message: 'Not Authorized to access this resource/api',
    });
    const otherDomain = await failure(admin.users.list({ domain: 'acme.test' }));
    expect(otherDomain.status).toBe(403);
    const gmailOnly = await failure(
      directory('admin@big.test', [GMAIL_READ]).users.list({ domain: 'big.test' }),
    );
    expect(gmailOnly).toEqual({
      status: 403,
      message: 'Request had insufficient authentication scopes.',
    });
  });
});
