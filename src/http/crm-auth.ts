// CRM callers: `Authorization: Bearer <JWT>` verified with jose, algorithms pinned, expiry enforced,
// issuer and audience checked when configured, and a bounded lifetime (`exp - iat`) so a leaked
// long-lived token is refused. `sub` is the CRM user, `org` the tenant; every query is scoped to it.
import type { NextFunction, Request, Response } from 'express';
import {
  createRemoteJWKSet,
  customFetch,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import { AppError } from '../app-error.ts';
import type { Config } from '../config.ts';
import { safeDisplayName } from '../mail/display-name.ts';
import type { OutboundHttp } from '../outbound/outbound-http.ts';

export interface Caller {
  userId: string;
  orgId: string;
  name: string | undefined;
  admin: boolean;
}

declare module 'express-serve-static-core' {
  interface Locals {
    caller: Caller;
  }
}

const HMAC_ALGORITHMS = ['HS256'];
const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];

export type VerifyCaller = (token: string) => Promise<Caller>;

export type CrmAuthConfig = Pick<
  Config['crm'],
  'jwtSecret' | 'jwksUrl' | 'issuer' | 'audience' | 'maxLifetimeS'
>;

export function makeCallerVerifier(crm: CrmAuthConfig, outbound: OutboundHttp): VerifyCaller {
  // The keys are fetched through the one outbound client: the address checked, no redirects.
  const jwks: JWTVerifyGetKey | undefined = crm.jwksUrl
    ? createRemoteJWKSet(new URL(crm.jwksUrl), { [customFetch]: outbound.fetch })
    : undefined;
  const secret = new TextEncoder().encode(crm.jwtSecret ?? '');
  const options: JWTVerifyOptions = {
    algorithms: jwks ? ASYMMETRIC_ALGORITHMS : HMAC_ALGORITHMS,
    requiredClaims: ['exp', 'iat'],
    // An `iat` in the future would let `exp - iat` look short on a token that lives for years.
    maxTokenAge: crm.maxLifetimeS,
    // The CRM's clock and ours may disagree by a few seconds.
    clockTolerance: 30,
    ...(crm.issuer ? { issuer: crm.issuer } : {}),
    ...(crm.audience ? { audience: crm.audience } : {}),
  };
  return async (token) => {
    const { payload } = jwks
      ? await jwtVerify(token, jwks, options)
      : await jwtVerify(token, secret, options);
    if ((payload.exp ?? 0) - (payload.iat ?? 0) > crm.maxLifetimeS) {
      throw new Error('token lives longer than CRM_JWT_MAX_LIFETIME');
    }
    const { sub, org, name, admin } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || sub === '' || typeof org !== 'string' || org === '') {
      throw new Error('token lacks sub or org');
    }
    return {
      userId: sub,
      orgId: org,
      // Never an address-looking name: it becomes the From header's display name on sends.
      name: safeDisplayName(name),
      admin: admin === true,
    };
  };
}

/** The caller's org, for routes that need an admin CRM token (`admin: true`). */
export function requireAdmin(caller: Caller, what = 'this route'): string {
  if (!caller.admin) throw new AppError('forbidden', `${what} needs an admin CRM token`);
  return caller.orgId;
}

export function requireCaller(verify: VerifyCaller) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      next(new AppError('unauthorized', 'a CRM bearer token is required'));
      return;
    }
    try {
      res.locals.caller = await verify(match[1]);
      next();
    } catch {
      next(new AppError('unauthorized', 'the CRM token is invalid or expired'));
    }
  };
}
