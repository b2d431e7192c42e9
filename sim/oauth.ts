// OAuth 2.0 for web server apps (https://developers.google.com/identity/protocols/oauth2/web-server)
// and the OIDC keys Pub/Sub push tokens are signed with. Consent is immediate, for the mailbox named
// in login_hint; codes are single-use and live 10 minutes; PKCE is enforced when a challenge was sent.
import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { AccessTokenInfo, SimContext } from './context.ts';

interface Grant {
  refreshToken: string;
  email: string;
  scopes: string[];
  clientId: string;
  revoked: boolean;
}

/** What the user changes on the next consent screen (`PUT /__sim/mailboxes/{email}/consent`). */
interface ConsentOverride {
  /** Grant only these of the scopes asked for (older form of `untick`). */
  scopes?: string[];
  /** Scopes the user unticks: not granted. */
  untick?: string[];
  deny?: boolean;
}

interface Code {
  email: string;
  scopes: string[];
  clientId: string;
  redirectUri: string;
  challenge?: string;
  method?: string;
  offline: boolean;
  expires: number;
}

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  pem: string;
  jwk: JWK;
}

const CODE_LIFETIME_MS = 10 * 60_000;

export async function createOAuth(
  ctx: SimContext,
): Promise<{ router: Router; rotateKey(): Promise<void> }> {
  const codes = new Map<string, Code>();
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, AccessTokenInfo & { refreshToken: string | undefined }>();
  const consentOverrides = new Map<string, ConsentOverride>();
  let accessTtlS = 3600;
  const keys: SigningKey[] = [];

  async function rotateKey(): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomBytes(10).toString('hex');
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    keys.unshift({ kid, privateKey, pem: await exportSPKI(publicKey), jwk });
    keys.splice(2); // the previous key stays published for tokens already signed
  }
  await rotateKey();

  const issueAccess = (
    email: string,
    scopes: string[],
    clientId: string,
    refreshToken: string | undefined,
  ) => {
    const token = `ya29.${randomBytes(32).toString('base64url')}`;
    accessTokens.set(token, {
      email,
      scopes,
      clientId,
      expiresAt: Date.now() + accessTtlS * 1000,
      refreshToken,
    });
    return token;
  };

  ctx.lookupAccessToken = (token) => {
    const info = accessTokens.get(token);
    if (!info || info.expiresAt <= Date.now()) return undefined;
    if (info.refreshToken && grants.get(info.refreshToken)?.revoked) return undefined;
    return info;
  };
  ctx.revokeGrants = (email) => {
    for (const g of grants.values()) if (g.email === email.toLowerCase()) g.revoked = true;
    for (const [t, info] of accessTokens)
      if (info.email === email.toLowerCase()) accessTokens.delete(t);
  };
  ctx.expireAccessTokens = (email) => {
    for (const info of accessTokens.values())
      if (info.email === email.toLowerCase()) info.expiresAt = 0;
  };
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
  const oauthError = (res: Response, status: number, error: string, description: string) =>
    res.status(status).json({ error, error_description: description });

  router.get('/o/oauth2/v2/auth', (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.client_id !== ctx.clientId)
      return oauthError(res, 401, 'invalid_client', 'The OAuth client was not found.');
    if (!q.redirect_uri)
      return oauthError(res, 400, 'invalid_request', 'Missing required parameter: redirect_uri');
    if (q.response_type !== 'code')
      return oauthError(res, 400, 'unsupported_response_type', 'response_type must be code');
    const email = q.login_hint?.toLowerCase();
    if (!email)
      return oauthError(
        res,
        400,
        'invalid_request',
        'the simulator consents for the mailbox in login_hint',
      );
    const redirect = new URL(q.redirect_uri);
    if (q.state !== undefined) redirect.searchParams.set('state', q.state);
    const override = consentOverrides.get(email);
    consentOverrides.delete(email);
    if (override?.deny) {
      redirect.searchParams.set('error', 'access_denied');
      return res.redirect(302, redirect.toString());
    }
    const asked = (q.scope ?? '').split(/\s+/).filter(Boolean);
    const unticked = (s: string) =>
      (override?.scopes !== undefined && !override.scopes.includes(s)) ||
      (override?.untick ?? []).some((u) => {
        const name = u.replace(/^.*[/…]/, '').replace(/^\.+/, '');
        return s === u || s === name || s.endsWith(`/${name}`);
      });
    const scopes = asked.filter((s) => !unticked(s));
    ctx.ensureMailbox(email);
    const code = `4/0${randomBytes(24).toString('base64url')}`;
    codes.set(code, {
      email,
      scopes,
      clientId: q.client_id,
      redirectUri: q.redirect_uri,
      ...(q.code_challenge
        ? { challenge: q.code_challenge, method: q.code_challenge_method ?? 'plain' }
        : {}),
      offline: q.access_type === 'offline',
      expires: Date.now() + CODE_LIFETIME_MS,
    });
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('scope', scopes.join(' '));
    res.redirect(302, redirect.toString());
  });

  router.post('/token', express.urlencoded({ extended: false }), express.json(), (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const [basicId, basicSecret] = basicAuth(req.get('authorization'));
    const clientId = body.client_id ?? basicId;
    const clientSecret = body.client_secret ?? basicSecret;
    if (clientId !== ctx.clientId || clientSecret !== ctx.clientSecret) {
      return oauthError(res, 401, 'invalid_client', 'Unauthorized');
    }
    if (body.grant_type === 'authorization_code') {
      const code = codes.get(body.code ?? '');
      codes.delete(body.code ?? '');
      if (!code || code.expires < Date.now() || code.clientId !== clientId) {
        return oauthError(res, 400, 'invalid_grant', 'Malformed auth code.');
      }
      if (code.redirectUri !== body.redirect_uri)
        return oauthError(res, 400, 'redirect_uri_mismatch', 'Bad Request');
      if (code.challenge) {
        const verifier = body.code_verifier ?? '';
        const expected =
          code.method === 'S256'
            ? createHash('sha256').update(verifier).digest('base64url')
            : verifier;
        if (!verifier || expected !== code.challenge)
          return oauthError(res, 400, 'invalid_grant', 'Invalid code verifier.');
      }
      const refreshToken = code.offline
        ? `1//0${randomBytes(32).toString('base64url')}`
        : undefined;
      if (refreshToken) {
        grants.set(refreshToken, {
          refreshToken,
          email: code.email,
          scopes: code.scopes,
          clientId,
          revoked: false,
        });
      }
      const accessToken = issueAccess(code.email, code.scopes, clientId, refreshToken);
      return res.json({
        access_token: accessToken,
        expires_in: accessTtlS,
        scope: code.scopes.join(' '),
        token_type: 'Bearer',
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
      });
    }
    if (body.grant_type === 'refresh_token') {
      const grant = grants.get(body.refresh_token ?? '');
      if (!grant || grant.revoked || grant.clientId !== clientId) {
        return oauthError(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
      }
      const accessToken = issueAccess(grant.email, grant.scopes, clientId, grant.refreshToken);
      return res.json({
        access_token: accessToken,
        expires_in: accessTtlS,
        scope: grant.scopes.join(' '),
        token_type: 'Bearer',
      });
    }
    return oauthError(res, 400, 'unsupported_grant_type', 'Invalid grant_type');
  });

  router.post('/revoke', express.urlencoded({ extended: false }), (req, res) => {
    const token = String(
      (req.query.token as string | undefined) ?? (req.body as { token?: string }).token ?? '',
    );
    const grant = grants.get(token);
    const access = accessTokens.get(token);
    if (!grant && !access) return oauthError(res, 400, 'invalid_token', 'Token expired or revoked');
    const refresh = grant?.refreshToken ?? access?.refreshToken;
    // Counted per mailbox in the stats (`oauth.revoke`), so a test can see a grant was given back.
    const email = grant?.email ?? access?.email ?? '';
    const user = ctx.stats.users[email] ?? { calls: {}, rate_limited: 0 };
    ctx.stats.users[email] = user;
    user.calls['oauth.revoke'] = (user.calls['oauth.revoke'] ?? 0) + 1;
    ctx.stats.calls['oauth.revoke'] = (ctx.stats.calls['oauth.revoke'] ?? 0) + 1;
    if (refresh) {
      const g = grants.get(refresh);
      if (g) g.revoked = true;
      for (const [t, info] of accessTokens)
        if (info.refreshToken === refresh) accessTokens.delete(t);
    }
    accessTokens.delete(token);
    res.status(200).json({});
  });

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
  router.put('/__sim/mailboxes/:email/consent', express.json(), (req, res) => {
    const body = req.body as ConsentOverride;
    consentOverrides.set(String(req.params.email).toLowerCase(), body);
    res.json({ ok: true });
  });
  router.put('/__sim/oauth', express.json(), (req, res) => {
    const ttl = Number((req.body as { access_token_ttl_s?: number }).access_token_ttl_s);
    if (Number.isFinite(ttl) && ttl > 0) accessTtlS = ttl;
    res.json({ access_token_ttl_s: accessTtlS });
  });
  router.post('/__sim/oidc-keys/rotate', async (_req, res) => {
    await rotateKey();
    res.json({ ok: true });
  });

  return { router, rotateKey };
}

function basicAuth(header: string | undefined): [string | undefined, string | undefined] {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return [undefined, undefined];
  const [id, secret] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  return [id ? decodeURIComponent(id) : undefined, secret ? decodeURIComponent(secret) : undefined];
}
