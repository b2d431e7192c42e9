// Verifies Pub/Sub push requests: the OIDC token Google signs (signature against Google's
// certificates, issuer, expiry), then our audience and the push service account
// (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions).
import type { OAuth2Client } from 'google-auth-library';
import { AppError } from '../app-error.ts';

export interface PushAuthConfig {
  audience: string;
  serviceAccount: string;
}

export type VerifyPush = (authorization: string | undefined) => Promise<void>;

export function makePushVerifier(oauth: OAuth2Client, config: PushAuthConfig): VerifyPush {
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new AppError('unauthorized', 'a push token is required', { status: 401 });
    let payload: Record<string, unknown> | undefined;
    try {
      // Signature, issuer and expiry; the audience is checked below so a wrong one is a 403.
      const ticket = await oauth.verifyIdToken({ idToken: token });
      payload = ticket.getPayload() as Record<string, unknown> | undefined;
    } catch {
      throw new AppError('unauthorized', 'the push token is invalid or expired', { status: 401 });
    }
    const audiences = Array.isArray(payload?.aud) ? payload.aud : [payload?.aud];
    if (!audiences.includes(config.audience)) {
      throw new AppError('forbidden', 'the push token is for another audience', { status: 403 });
    }
    if (payload?.email !== config.serviceAccount || payload?.email_verified !== true) {
      throw new AppError('forbidden', 'the push token is not from the push service account', {
        status: 403,
      });
    }
  };
}
