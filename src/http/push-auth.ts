// Verifies Pub/Sub push requests: the OIDC token Google signs (signature against Google's
// certificates, issuer, expiry), then our audience and the push service account
// (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions).
// Pub/Sub reuses one token across many pushes until it nears expiry, so a token whose signature has
// been verified is remembered (bounded, until its `exp`) and the RS256 check runs once per token.
import type { OAuth2Client } from 'google-auth-library';
import { AppError } from '../app-error.ts';

export interface PushAuthConfig {
  audience: string;
  serviceAccount: string;
}

export type VerifyPush = (authorization: string | undefined) => Promise<void>;

type Claims = Record<string, unknown>;

const REMEMBERED_TOKENS = 100;

export function makePushVerifier(oauth: OAuth2Client, config: PushAuthConfig): VerifyPush {
  const verified = new Map<string, Claims>();

  async function verifySignature(token: string): Promise<Claims | undefined> {
    const known = verified.get(token);
    if (known && Number(known.exp) * 1000 > Date.now()) return known;
    verified.delete(token);
    // Signature, issuer and expiry; the audience is checked below so a wrong one is a 403.
    const payload = (await oauth.verifyIdToken({ idToken: token })).getPayload() as
      | Claims
      | undefined;
    if (payload && typeof payload.exp === 'number') {
      if (verified.size >= REMEMBERED_TOKENS) verified.delete(verified.keys().next().value ?? '');
      verified.set(token, payload);
    }
    return payload;
  }

  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new AppError('unauthorized', 'a push token is required');
    let payload: Claims | undefined;
    try {
      payload = await verifySignature(token);
    } catch {
      throw new AppError('unauthorized', 'the push token is invalid or expired');
    }
    const audiences = Array.isArray(payload?.aud) ? payload.aud : [payload?.aud];
    if (!audiences.includes(config.audience)) {
      throw new AppError('forbidden', 'the push token is for another audience');
    }
    if (payload?.email !== config.serviceAccount || payload?.email_verified !== true) {
      throw new AppError('forbidden', 'the push token is not from the push service account');
    }
  };
}
