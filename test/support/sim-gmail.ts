// A Gmail client for one simulated mailbox, authorised through the simulator's real OAuth flow, as
// the service would be: for tests that drive the simulator directly.
import { createHash, randomBytes } from 'node:crypto';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { type gmail_v1, google } from 'googleapis';
import type { Simulator } from '../../sim/index.ts';

export const SCOPES = [
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send',
];

export function simOAuthClient(
  sim: Simulator,
  redirectUri = 'http://127.0.0.1:1/callback',
): OAuth2Client {
  return new OAuth2Client({
    clientId: 'sim-client-id',
    clientSecret: 'sim-client-secret',
    redirectUri,
    endpoints: {
      oauth2AuthBaseUrl: `${sim.baseUrl}/o/oauth2/v2/auth`,
      oauth2TokenUrl: `${sim.baseUrl}/token`,
      oauth2RevokeUrl: `${sim.baseUrl}/revoke`,
      oauth2FederatedSignonPemCertsUrl: `${sim.baseUrl}/oauth2/v1/certs`,
      oauth2FederatedSignonJwkCertsUrl: `${sim.baseUrl}/oauth2/v3/certs`,
    },
  });
}

/**
 * Consent (with PKCE) for `email`; returns the code the redirect carried. `prompt=consent` by
 * default, as the service asks, so each consent brings a refresh token; `null` asks without it.
 */
export async function consent(
  client: OAuth2Client,
  email: string,
  scopes = SCOPES,
  prompt: 'consent' | null = 'consent',
) {
  const verifier = randomBytes(32).toString('base64url');
  const url = client.generateAuthUrl({
    access_type: 'offline',
    ...(prompt ? { prompt } : {}),
    scope: scopes,
    login_hint: email,
    state: 'test-state',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: CodeChallengeMethod.S256,
  });
  const res = await fetch(url, { redirect: 'manual' });
  const location = new URL(res.headers.get('location') ?? '');
  return { code: location.searchParams.get('code') ?? '', verifier, location };
}

export async function gmailFor(
  sim: Simulator,
  email: string,
  scopes = SCOPES,
): Promise<{ gmail: gmail_v1.Gmail; auth: OAuth2Client }> {
  const auth = simOAuthClient(sim);
  const { code, verifier } = await consent(auth, email, scopes);
  const { tokens } = await auth.getToken({ code, codeVerifier: verifier });
  auth.setCredentials(tokens);
  return {
    gmail: google.gmail({ version: 'v1', auth, rootUrl: `${sim.baseUrl}/`, retry: false }),
    auth,
  };
}

export async function deliver(
  sim: Simulator,
  email: string,
  raw: string | Buffer,
  labelIds?: string[],
) {
  const body = Buffer.isBuffer(raw) ? { raw_base64url: raw.toString('base64url') } : { raw };
  const res = await fetch(`${sim.baseUrl}/__sim/mailboxes/${encodeURIComponent(email)}/deliver`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, ...(labelIds ? { labelIds } : {}) }),
  });
  return (await res.json()) as { id: string; threadId: string; historyId: string };
}

/** A control-API call (`/__sim/…`) with a JSON body; answers the parsed JSON (or null). */
export async function control(
  sim: Simulator,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${sim.baseUrl}/__sim/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /__sim/${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Sets simulator faults (`PUT /__sim/faults`). */
export const faults = (sim: Simulator, body: unknown) => control(sim, 'PUT', 'faults', body);

/** The status and Gmail error message of a rejected googleapis call. */
export async function failure(p: Promise<unknown>): Promise<{ status?: number; message?: string }> {
  return p.then(
    () => ({ status: 200 }),
    (e: { status?: number; message?: string }) => ({ status: e.status, message: e.message }),
  );
}
