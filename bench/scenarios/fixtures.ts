// Mailboxes and mail for the benchmarks, made through the simulator's control API and OAuth.
import { createHash, randomBytes } from 'node:crypto';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { type gmail_v1, google } from 'googleapis';
import type { World } from '../world.ts';

export function raw(from: string, to: string, subject: string): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomBytes(8).toString('hex')}@bench.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}. `.repeat(20),
  ].join('\r\n');
}

/** `total` mails in the mailbox, `matched` of them from the org's 50 contacts. */
export async function seedMailbox(
  world: World,
  owner: string,
  org: string,
  total: number,
  matched: number,
) {
  const contacts = Array.from({ length: 50 }, (_, i) => `contact${i}@customer.test`);
  for (const email of contacts) {
    await world.pool.query(`insert into contacts (org_id, name, email) values ($1, $2, $3)`, [
      org,
      email,
      email,
    ]);
  }
  const jobs: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const from =
      i % 5 === 0 && i / 5 < matched
        ? contacts[i % contacts.length]
        : `stranger${i}@elsewhere.test`;
    jobs.push(world.deliver(owner, raw(from as string, owner, `mail ${i}`)));
    if (jobs.length >= 50) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  return contacts;
}

export async function simStats(world: World) {
  return (await world.simControl('stats')) as {
    calls: Record<string, number>;
    rate_limited: number;
  };
}

/** A Gmail client authorised for `email` through the simulator's OAuth, and the mailbox's id. */
export async function gmailClient(
  world: World,
  email: string,
): Promise<{ gmail: gmail_v1.Gmail; auth: OAuth2Client; mailboxId: string }> {
  const base = world.sim.baseUrl;
  const auth = new OAuth2Client({
    clientId: 'sim-client-id',
    clientSecret: 'sim-client-secret',
    redirectUri: 'http://127.0.0.1:1/cb',
    endpoints: { oauth2AuthBaseUrl: `${base}/o/oauth2/v2/auth`, oauth2TokenUrl: `${base}/token` },
  });
  const verifier = randomBytes(32).toString('base64url');
  const url = auth.generateAuthUrl({
    access_type: 'offline',
    scope: ['https://www.googleapis.com/auth/gmail.readonly'],
    login_hint: email,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: CodeChallengeMethod.S256,
  });
  const consent = await fetch(url, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const { tokens } = await auth.getToken({ code, codeVerifier: verifier });
  auth.setCredentials(tokens);
  const { rows } = await world.pool.query('select id from mailboxes where email = $1', [email]);
  return {
    gmail: google.gmail({ version: 'v1', auth, rootUrl: `${base}/`, retry: false }),
    auth,
    mailboxId: rows[0]?.id ?? '',
  };
}
