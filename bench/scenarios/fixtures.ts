// Mailboxes and mail for the benchmarks, made through the simulator's control API and OAuth.
import { createHash, randomBytes } from 'node:crypto';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { type gmail_v1, google } from 'googleapis';
import type { CallStats } from '../../sim/context.ts';
import { type Calls, diffCalls } from '../measure.ts';
import type { World } from '../world.ts';

/** A plain-text mail; `extra` gives it a known Message-ID and more header lines (Cc, In-Reply-To…). */
export function raw(
  from: string,
  to: string,
  subject: string,
  extra: { messageId?: string; headers?: string[] } = {},
): string {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${extra.messageId ?? `<${randomBytes(8).toString('hex')}@bench.test>`}`,
    ...(extra.headers ?? []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}. `.repeat(20),
  ].join('\r\n');
}

export const CONTACTS = Array.from({ length: 50 }, (_, i) => `contact${i}@customer.test`);

/** The org's 50 contacts, as the CRM would have them. */
export async function addContacts(world: World, org: string): Promise<void> {
  await world.pool.query(
    `insert into contacts (org_id, name, email) select $1, e, e from unnest($2::text[]) as e`,
    [org, CONTACTS],
  );
}

/** A mailbox's `total` mails, every fifth one (up to `matched`) from one of the org's contacts. */
export function mailboxContents(owner: string, total: number, matched: number): string[] {
  return Array.from({ length: total }, (_, i) => {
    const fromContact = i % 5 === 0 && i / 5 < matched;
    const from = fromContact ? CONTACTS[(i / 5) % CONTACTS.length] : `stranger${i}@elsewhere.test`;
    return raw(from as string, owner, `mail ${i}`);
  });
}

/** The simulator's call counts for one mailbox. */
export async function simStatsFor(world: World, email: string): Promise<CallStats> {
  const stats = (await world.simControl('stats')) as { users: Record<string, CallStats> };
  return stats.users[email] ?? { calls: {}, units: 0, rate_limited: 0, refused: {} };
}

/** The calls Gmail served (and charged): those refused for quota cost no units. */
export async function servedCallsOf(world: World, email: string): Promise<Calls> {
  const { calls, refused } = await simStatsFor(world, email);
  return diffCalls(calls, refused);
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
