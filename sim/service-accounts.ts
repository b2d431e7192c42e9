// Service accounts whose keys only Google holds: the IAM Credentials API signs a JWT with one
// (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/signJwt),
// so a caller never sees a key file; the IAM API tells the account's client id
// (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/get); the public
// keys are published as JWKs (https://www.googleapis.com/service_accounts/v1/jwk/{email}).
// Like the simulator's KMS and Pub/Sub, it asks no credentials of the caller (Google asks for a
// token of an identity holding roles/iam.serviceAccountTokenCreator on the account).
import { randomBytes } from 'node:crypto';
import express, { type Response, Router } from 'express';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { clientIdOf } from './workspaces.ts';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
type PublicKey = Awaited<ReturnType<typeof generateKeyPair>>['publicKey'];

interface AccountKey {
  kid: string;
  privateKey: PrivateKey;
  publicKey: PublicKey;
  jwk: JWK;
}

/** signJwt refuses an `exp` further ahead than this (the API's documented limit). */
const MAX_SIGNED_LIFETIME_S = 12 * 3600;

const isServiceAccount = (email: string) =>
  /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/.test(email);

export class ServiceAccountKeys {
  private readonly keys = new Map<string, Promise<AccountKey>>();

  /** The account's key, made on first use (Google-managed keys rotate; one is enough here). */
  keyOf(email: string): Promise<AccountKey> {
    const name = email.toLowerCase();
    let key = this.keys.get(name);
    if (!key) {
      key = (async () => {
        const pair = await generateKeyPair('RS256', { extractable: true });
        const kid = randomBytes(20).toString('hex');
        const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
        return { kid, privateKey: pair.privateKey, publicKey: pair.publicKey, jwk };
      })();
      this.keys.set(name, key);
    }
    return key;
  }

  /** The public key that signed a JWT claiming to come from `email`, if `kid` is its key. */
  async publicKey(email: string, kid: string | undefined): Promise<PublicKey | undefined> {
    const key = await this.keys.get(email.toLowerCase());
    return key && key.kid === kid ? key.publicKey : undefined;
  }
}

function googleError(res: Response, code: number, status: string, message: string) {
  res.status(code).json({ error: { code, message, status } });
}

export function serviceAccountsRouter(keys: ServiceAccountKeys): Router {
  const router = Router();

  // One path for IAM Credentials' `…/{email}:signJwt` and IAM's `…/{email}`: the method rides on
  // the last segment after a colon, as Google's custom methods do.
  router.post('/v1/projects/:project/serviceAccounts/:name', express.json(), async (req, res) => {
    const [email = '', method] = String(req.params.name).split(/:(?=[a-zA-Z]+$)/);
    if (method !== 'signJwt') return googleError(res, 404, 'NOT_FOUND', 'Not Found');
    if (!isServiceAccount(email))
      return googleError(res, 404, 'NOT_FOUND', `Service account ${email} does not exist.`);
    const claims = parsePayload((req.body as { payload?: unknown } | undefined)?.payload);
    if (typeof claims === 'string') return googleError(res, 400, 'INVALID_ARGUMENT', claims);
    const key = await keys.keyOf(email);
    const signedJwt = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
    res.json({ keyId: key.kid, signedJwt });
  });

  router.get('/v1/projects/:project/serviceAccounts/:email', (req, res) => {
    const email = String(req.params.email).toLowerCase();
    if (!isServiceAccount(email))
      return googleError(res, 404, 'NOT_FOUND', `Service account ${email} does not exist.`);
    const project = email.split('@')[1]?.split('.')[0] ?? '';
    const uniqueId = clientIdOf(email);
    res.json({
      name: `projects/${project}/serviceAccounts/${email}`,
      projectId: project,
      uniqueId,
      email,
      oauth2ClientId: uniqueId,
    });
  });

  router.get('/service_accounts/v1/jwk/:email', async (req, res) => {
    const email = String(req.params.email);
    if (!isServiceAccount(email)) return googleError(res, 404, 'NOT_FOUND', 'Not Found');
    res.json({ keys: [(await keys.keyOf(email)).jwk] });
  });

  return router;
}

/**
 * The claims to sign: a serialised JSON object. An `exp` must be an integer not in the past and
 * at most 12 hours ahead; without one, an hour from now is added (as the API documents).
 */
function parsePayload(payload: unknown): Record<string, unknown> | string {
  if (typeof payload !== 'string') return 'payload is required';
  let claims: unknown;
  try {
    claims = JSON.parse(payload);
  } catch {
    return 'payload must be a JSON object';
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims))
    return 'payload must be a JSON object';
  const now = Math.floor(Date.now() / 1000);
  const exp = (claims as { exp?: unknown }).exp;
  if (exp === undefined) return { ...claims, exp: now + 3600 };
  if (
    !Number.isInteger(exp) ||
    (exp as number) < now ||
    (exp as number) > now + MAX_SIGNED_LIFETIME_S
  )
    return 'exp must be an integer timestamp not in the past and at most 12 hours ahead';
  return claims as Record<string, unknown>;
}
