// The token endpoint's JWT bearer grant (RFC 7523), as Google runs it for service accounts
// (https://developers.google.com/identity/protocols/oauth2/service-account#httprest): a JWT signed
// by the account's key (`iss` the account, `scope`, `aud` the token URI, `iat`/`exp` at most an hour
// apart, and with domain-wide delegation `sub`, the user to act as). Checked in Google's order:
// the signature and claims, then what the domain's admin authorised, then the user.
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { tokenRefusal } from './account-states.ts';
import { type SimContext, userStats } from './context.ts';
import type { ServiceAccountKeys } from './service-accounts.ts';
import { clientIdOf, type Workspaces } from './workspaces.ts';

export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Google's token URIs, any of which a service account's JWT may name as its audience. */
const GOOGLE_TOKEN_URIS = [
  'https://oauth2.googleapis.com/token',
  'https://www.googleapis.com/oauth2/v4/token',
  'https://accounts.google.com/o/oauth2/token',
];

const fail = (status: number, error: string, description: string): TokenAnswer => ({
  status,
  body: { error, error_description: description },
});

// Google's wording for each refusal, as its token endpoint answers (seen in client libraries'
// issues: GAM-team/GAM#1291 for unauthorized_client, PSGSuite#267 and DoliMods#30 for a user it
// does not know).
const BAD_SIGNATURE = fail(400, 'invalid_grant', 'Invalid JWT Signature.');
const BAD_TIME = fail(
  400,
  'invalid_grant',
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
);
const UNAUTHORIZED = fail(
  401,
  'unauthorized_client',
  'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
);
// A user the domain never had; a suspended or deleted one answers as account-states.ts says.
const NO_SUCH_USER = fail(400, 'invalid_grant', 'Invalid email or User ID');

export function makeJwtBearerGrant(
  ctx: SimContext,
  keys: ServiceAccountKeys,
  workspaces: Workspaces,
): (assertion: string) => Promise<TokenAnswer> {
  return async (assertion) => {
    ctx.stats.calls['oauth.jwt_bearer'] = (ctx.stats.calls['oauth.jwt_bearer'] ?? 0) + 1;
    let issuer: string;
    let kid: string | undefined;
    try {
      issuer = String(decodeJwt(assertion).iss ?? '').toLowerCase();
      kid = decodeProtectedHeader(assertion).kid;
    } catch {
      return fail(400, 'invalid_grant', 'Invalid JWT.');
    }
    const key = await keys.publicKey(issuer, kid);
    if (!key) return BAD_SIGNATURE;
    let claims: Record<string, unknown>;
    try {
      claims = (await jwtVerify(assertion, key, { algorithms: ['RS256'] })).payload;
    } catch (error) {
      return (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? BAD_TIME : BAD_SIGNATURE;
    }
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims as { iat?: unknown; exp?: unknown };
    if (typeof iat !== 'number' || typeof exp !== 'number') return BAD_TIME;
    if (exp - iat > 3600 || exp <= now || iat > now + 300) return BAD_TIME;
    const aud = String(claims.aud ?? '');
    if (![...GOOGLE_TOKEN_URIS, `${ctx.baseUrl}/token`].includes(aud))
      return fail(400, 'invalid_grant', 'Invalid JWT: Failed audience check.');
    const scopes = String(claims.scope ?? '')
      .split(/\s+/)
      .filter(Boolean);
    if (scopes.length === 0)
      return fail(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');

    const subject = typeof claims.sub === 'string' ? claims.sub.toLowerCase() : undefined;
    // Without `sub` the account acts as itself (no mailbox of anyone's).
    const actor = subject ?? issuer;
    if (subject) {
      // Counted per user whatever the answer, as every call is (the stats count refused ones).
      const stats = userStats(ctx.stats, subject);
      stats.calls['oauth.jwt_bearer'] = (stats.calls['oauth.jwt_bearer'] ?? 0) + 1;
      const ws = workspaces.ofAddress(subject);
      const authorised = ws?.delegation.get(issuer) ?? [];
      if (!scopes.every((s) => authorised.includes(s))) return UNAUTHORIZED;
      const refused = tokenRefusal(ctx.accountState(subject), 'jwt_bearer');
      if (refused) return fail(400, refused.error, refused.error_description);
      if (!ws?.users.has(subject)) return NO_SUCH_USER;
    }
    const issued = ctx.issueAccessToken(actor, scopes, clientIdOf(issuer));
    return {
      status: 200,
      body: { access_token: issued.token, expires_in: issued.expiresInS, token_type: 'Bearer' },
    };
  };
}
