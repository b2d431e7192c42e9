// OAuth 2.0 for web server apps (https://developers.google.com/identity/protocols/oauth2/web-server):
// consent, codes, tokens, revocation and the life of a grant (oidc.ts signs push tokens). Consent is
// immediate, for the mailbox named in login_hint; codes are single-use and live 10 minutes; PKCE is
// enforced when a challenge was sent.
import { createHash, randomBytes } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import { tokenRefusal } from './account-states.ts';
import { type AccessTokenInfo, type SimContext, userStats } from './context.ts';

interface Grant {
  refreshToken: string;
  email: string;
  scopes: string[];
  clientId: string;
  revoked: boolean;
  /** Ended by time (Testing status), not by the user: its access tokens live out their hour. */
  expired: boolean;
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
  /** A refresh token comes with a grant's first consent, or when `prompt=consent` asked again. */
  refreshable: boolean;
  expires: number;
}

const CODE_LIFETIME_MS = 10 * 60_000;

export function createOAuth(ctx: SimContext): { router: Router } {
  const codes = new Map<string, Code>();
  const grants = new Map<string, Grant>();
  const accessTokens = new Map<string, AccessTokenInfo & { refreshToken: string | undefined }>();
  const consentOverrides = new Map<string, ConsentOverride>();
  /** `email client` pairs that hold a live grant: a later consent returns no refresh token. */
  const consented = new Set<string>();
  let accessTtlS = 3600;

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
    for (const g of grants.values()) {
      if (g.email !== email.toLowerCase()) continue;
      g.revoked = true;
      consented.delete(`${g.email} ${g.clientId}`);
    }
    for (const [t, info] of accessTokens)
      if (info.email === email.toLowerCase()) accessTokens.delete(t);
  };
  ctx.expireGrants = (email) => {
    for (const g of grants.values()) {
      if (g.email !== email.toLowerCase()) continue;
      g.expired = true;
      consented.delete(`${g.email} ${g.clientId}`);
    }
  };
  ctx.expireAccessTokens = (email) => {
    for (const info of accessTokens.values())
      if (info.email === email.toLowerCase()) info.expiresAt = 0;
  };
  ctx.issueAccessToken = (email, scopes, clientId) => ({
    token: issueAccess(email.toLowerCase(), scopes, clientId, undefined),
    expiresInS: accessTtlS,
  });
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
    const prompts = (q.prompt ?? '').split(/\s+/);
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
      refreshable: !consented.has(`${email} ${q.client_id}`) || prompts.includes('consent'),
      expires: Date.now() + CODE_LIFETIME_MS,
    });
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('scope', scopes.join(' '));
    res.redirect(302, redirect.toString());
  });

  router.post(
    '/token',
    express.urlencoded({ extended: false }),
    express.json(),
    async (req, res) => {
      const body = req.body as Record<string, string | undefined>;
      // A service account authenticates by its signed JWT alone: no client id or secret.
      if (body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        const answer = await ctx.exchangeJwtBearer(body.assertion ?? '');
        return res.status(answer.status).json(answer.body);
      }
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
        // https://developers.google.com/identity/protocols/oauth2/web-server#offline: the refresh
        // token is returned the first time the user consents, or again with prompt=consent.
        const refreshToken =
          code.offline && code.refreshable
            ? `1//0${randomBytes(32).toString('base64url')}`
            : undefined;
        if (code.offline) consented.add(`${code.email} ${clientId}`);
        if (refreshToken) {
          grants.set(refreshToken, {
            refreshToken,
            email: code.email,
            scopes: code.scopes,
            clientId,
            revoked: false,
            expired: false,
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
        // Revoked, or expired as an app in Testing status finds after 7 days: the same answer.
        if (!grant || grant.revoked || grant.expired || grant.clientId !== clientId) {
          return oauthError(res, 400, 'invalid_grant', 'Token has been expired or revoked.');
        }
        // A suspended or deleted account: the grant stands, but Google will not honour it meanwhile.
        const refused = tokenRefusal(ctx.accountState(grant.email), 'refresh_token');
        if (refused) return oauthError(res, 400, refused.error, refused.error_description);
        const accessToken = issueAccess(grant.email, grant.scopes, clientId, grant.refreshToken);
        return res.json({
          access_token: accessToken,
          expires_in: accessTtlS,
          scope: grant.scopes.join(' '),
          token_type: 'Bearer',
        });
      }
      return oauthError(res, 400, 'unsupported_grant_type', 'Invalid grant_type');
    },
  );

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
    const user = userStats(ctx.stats, email);
    user.calls['oauth.revoke'] = (user.calls['oauth.revoke'] ?? 0) + 1;
    ctx.stats.calls['oauth.revoke'] = (ctx.stats.calls['oauth.revoke'] ?? 0) + 1;
    if (refresh) {
      const g = grants.get(refresh);
      if (g) {
        g.revoked = true;
        consented.delete(`${g.email} ${g.clientId}`);
      }
      for (const [t, info] of accessTokens)
        if (info.refreshToken === refresh) accessTokens.delete(t);
    }
    accessTokens.delete(token);
    res.status(200).json({});
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
  return { router };
}

function basicAuth(header: string | undefined): [string | undefined, string | undefined] {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return [undefined, undefined];
  const [id, secret] = Buffer.from(m[1], 'base64').toString('utf8').split(':');
  return [id ? decodeURIComponent(id) : undefined, secret ? decodeURIComponent(secret) : undefined];
}
