// The OIDC ID tokens Pub/Sub push requests carry (https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions):
// RS256-signed by Google's keys, which are published as PEM certificates (v1) and JWKs (v3) and
// rotate, the previous key staying published for tokens already signed.
import { createHash, randomBytes } from 'node:crypto';
import express, { Router } from 'express';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { SimContext } from './context.ts';

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  pem: string;
  jwk: JWK;
}

export async function createOidc(ctx: SimContext): Promise<{ router: Router }> {
  const keys: SigningKey[] = [];
  async function rotateKey(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(10).toString('hex');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    keys.unshift({ kid, privateKey, pem: await exportSPKI(publicKey), jwk });
    keys.splice(2);
  }
  await rotateKey();

  ctx.mintOidcToken = async (aud, email, expS = 3600) => {
    const key = keys[0] as SigningKey;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      email,
      email_verified: true,
      azp: email,
      sub: createHash('sha256').update(email).digest('hex').slice(0, 21),
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer('https://accounts.google.com')
      .setAudience(aud)
      .setIssuedAt(now)
      .setExpirationTime(now + expS)
      .sign(key.privateKey);
  };

  const router = Router();
  // Google serves both: PEM certificates (v1) and JWKs (v3); verifyIdToken reads v1 by default.
  router.get('/oauth2/v1/certs', (_req, res) => {
    res.set('cache-control', 'public, max-age=300');
    res.json(Object.fromEntries(keys.map((k) => [k.kid, k.pem])));
  });
  router.get('/oauth2/v3/certs', (_req, res) => {
    res.set('cache-control', 'public, max-age=300');
    res.json({ keys: keys.map((k) => k.jwk) });
  });
  router.post('/__sim/oidc-token', express.json(), async (req, res) => {
    const body = req.body as { aud?: string; email?: string; exp_s?: number };
    if (!body.aud) return res.status(400).json({ error: 'aud is required' });
    res.json({
      token: await ctx.mintOidcToken(body.aud, body.email ?? ctx.pushServiceAccount, body.exp_s),
    });
  });
  router.post('/__sim/oidc-keys/rotate', async (_req, res) => {
    await rotateKey();
    res.json({ ok: true });
  });
  return { router };
}
