// Access tokens for a Workspace user through domain-wide delegation
// (https://developers.google.com/identity/protocols/oauth2/service-account#delegatingauthority):
// a JWT naming the service account (`iss`), the user (`sub`), the scopes and the token URI (`aud`),
// at most an hour long, signed through IAM Credentials (no key file anywhere), exchanged at the
// token endpoint (grant type jwt-bearer). There is no refresh token: a token near its end is minted
// again. A refusal is Google's answer (a GaxiosError), classified as any Google failure:
// `invalid_grant` for a suspended or deleted user, `unauthorized_client` when the admin has not
// authorised the client for these scopes.
import { OAuth2Client } from 'google-auth-library';
import { z } from 'zod';
import { type GoogleConfig, googleEndpoints, makeOAuthClient } from './clients.ts';
import { makeServiceAccountSigner, type ServiceAccountSigner } from './iam-credentials.ts';

export interface DelegatedToken {
  access_token: string;
  /** Epoch ms. */
  expiry_date: number;
}

export type MintDelegatedToken = (subject: string, scopes: string[]) => Promise<DelegatedToken>;

/** Domain-wide delegation as configured: the service account, and tokens minted as its users. */
export interface Delegation {
  serviceAccount: string;
  mint: MintDelegatedToken;
  /** The account's OAuth 2.0 client id: what the Workspace admin authorises. */
  clientId(): Promise<string>;
}

/** Undefined without GOOGLE_DELEGATION_SERVICE_ACCOUNT: Workspace connections are then refused. */
export function makeDelegation(google: GoogleConfig): Delegation | undefined {
  const serviceAccount = google.delegationServiceAccount;
  if (!serviceAccount) return undefined;
  const signer = makeServiceAccountSigner(google.emulatorHost);
  let clientId: Promise<string> | undefined;
  return {
    serviceAccount,
    mint: makeDelegatedTokenMinter({ serviceAccount, signer, emulatorHost: google.emulatorHost }),
    clientId() {
      clientId ??= signer.clientIdOf(serviceAccount).catch((error: unknown) => {
        clientId = undefined;
        throw error;
      });
      return clientId;
    },
  };
}

/**
 * An OAuth client acting as `subject` through delegation, for any Google client library. It keeps
 * its token until five minutes before the end (google-auth-library's eager refresh) and mints the
 * next one then, or at once when Google answers 401 (a suspended user's sessions end at once); one
 * mint at a time however many calls wait for it.
 */
export function delegatedClient(
  google: GoogleConfig,
  delegation: Delegation,
  subject: string,
  scopes: string[],
): OAuth2Client {
  const auth = makeOAuthClient(google);
  let minting: Promise<DelegatedToken> | undefined;
  auth.refreshHandler = () => {
    minting ??= delegation.mint(subject, scopes).finally(() => {
      minting = undefined;
    });
    return minting;
  };
  return auth;
}

/** The longest a JWT bearer assertion may live (Google refuses more). */
const ASSERTION_LIFETIME_S = 3600;

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number() });

export function makeDelegatedTokenMinter(deps: {
  serviceAccount: string;
  signer: ServiceAccountSigner;
  emulatorHost: string | undefined;
}): MintDelegatedToken {
  const tokenUrl = googleEndpoints(deps.emulatorHost).token;
  // A bare transporter: the token request carries the assertion, no credentials of ours.
  const transporter = new OAuth2Client({ transporterOptions: { fetchImplementation: fetch } })
    .transporter;
  return async (subject, scopes) => {
    const iat = Math.floor(Date.now() / 1000);
    const assertion = await deps.signer.signJwt(deps.serviceAccount, {
      iss: deps.serviceAccount,
      sub: subject,
      scope: scopes.join(' '),
      aud: tokenUrl,
      iat,
      exp: iat + ASSERTION_LIFETIME_S,
    });
    const res = await transporter.request({
      url: tokenUrl,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
      retry: false,
    });
    const answer = tokenAnswer.parse(res.data);
    return {
      access_token: answer.access_token,
      expiry_date: Date.now() + answer.expires_in * 1000,
    };
  };
}
