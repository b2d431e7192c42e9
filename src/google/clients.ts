// Google clients built from config. With GOOGLE_EMULATOR_HOST set, every endpoint (OAuth, token
// revocation, OIDC certificates, Gmail REST) goes to the simulator; nothing else changes.
// Requests go through Node's own fetch (gaxios would otherwise load node-fetch): measured here,
// about a quarter less CPU per Gmail call, with keep-alive connections by default.

// @googleapis/gmail is the Gmail part of googleapis alone: the full package loads every Google API
// (hundreds of MB resident), this one only what we call.
import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { OAuth2Client } from 'google-auth-library';
import type { Config } from '../config.ts';

export type GoogleConfig = Config['google'];
export type Gmail = gmail_v1.Gmail;

/** Where Google lives: the real hosts, or the simulator's one base URL. */
export interface GoogleEndpoints {
  gmailRoot: string;
  /** The Calendar API lives under www.googleapis.com/calendar/v3/. */
  calendarRoot: string;
  authBase: string;
  token: string;
  revoke: string;
  pemCerts: string;
  jwkCerts: string;
  /** IAM Credentials (signJwt) and IAM (a service account's client id). */
  iamCredentials: string;
  iam: string;
  /** The Admin SDK (Directory API). */
  adminRoot: string;
}

export function googleEndpoints(emulatorHost: string | undefined): GoogleEndpoints {
  if (!emulatorHost) {
    return {
      gmailRoot: 'https://gmail.googleapis.com/',
      calendarRoot: 'https://www.googleapis.com/',
      authBase: 'https://accounts.google.com/o/oauth2/v2/auth',
      token: 'https://oauth2.googleapis.com/token',
      revoke: 'https://oauth2.googleapis.com/revoke',
      pemCerts: 'https://www.googleapis.com/oauth2/v1/certs',
      jwkCerts: 'https://www.googleapis.com/oauth2/v3/certs',
      iamCredentials: 'https://iamcredentials.googleapis.com/',
      iam: 'https://iam.googleapis.com/',
      adminRoot: 'https://admin.googleapis.com/',
    };
  }
  const base = `http://${emulatorHost}`;
  return {
    gmailRoot: `${base}/`,
    calendarRoot: `${base}/`,
    authBase: `${base}/o/oauth2/v2/auth`,
    token: `${base}/token`,
    revoke: `${base}/revoke`,
    pemCerts: `${base}/oauth2/v1/certs`,
    jwkCerts: `${base}/oauth2/v3/certs`,
    iamCredentials: `${base}/`,
    iam: `${base}/`,
    adminRoot: `${base}/`,
  };
}

/** An OAuth client for our web application (consent URLs, code exchange, refresh, revoke, ID tokens). */
export function makeOAuthClient(google: GoogleConfig): OAuth2Client {
  const endpoints = googleEndpoints(google.emulatorHost);
  return new OAuth2Client({
    clientId: google.clientId,
    clientSecret: google.clientSecret,
    redirectUri: google.redirectUri,
    // Google may invalidate an access token before its expiry (password change, revocation):
    // a 401 then triggers one refresh, which either recovers or says invalid_grant.
    forceRefreshOnFailure: true,
    transporterOptions: { fetchImplementation: fetch },
    endpoints: {
      oauth2AuthBaseUrl: endpoints.authBase,
      oauth2TokenUrl: endpoints.token,
      oauth2RevokeUrl: endpoints.revoke,
      oauth2FederatedSignonPemCertsUrl: endpoints.pemCerts,
      oauth2FederatedSignonJwkCertsUrl: endpoints.jwkCerts,
    },
  });
}

/** A Gmail REST client acting with `auth` (the mailbox's own OAuth client). */
export function makeGmail(google: GoogleConfig, auth: OAuth2Client): Gmail {
  return gmailAt(auth, googleEndpoints(google.emulatorHost).gmailRoot);
}

function gmailAt(auth: OAuth2Client, rootUrl: string): Gmail {
  // Retries are ours (google/retry-policy.ts), paced by quota: the client's own retry stays off.
  return gmail({ version: 'v1', auth, rootUrl, retry: false, fetchImplementation: fetch });
}
