// CRM callers: `Authorization: Bearer <JWT>` verified with jose, algorithms pinned, expiry enforced.
// `sub` is the CRM user, `org` the tenant; every query below is scoped to that org.
import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppError } from '../app-error.ts';
import type { Config } from '../config.ts';

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

export function makeCallerVerifier(crm: Config['crm']): VerifyCaller {
  const jwks: JWTVerifyGetKey | undefined = crm.jwksUrl
    ? createRemoteJWKSet(new URL(crm.jwksUrl))
    : undefined;
  const secret = new TextEncoder().encode(crm.jwtSecret ?? '');
  return async (token) => {
    const { payload } = jwks
      ? await jwtVerify(token, jwks, { algorithms: ASYMMETRIC_ALGORITHMS, requiredClaims: ['exp'] })
      : await jwtVerify(token, secret, { algorithms: HMAC_ALGORITHMS, requiredClaims: ['exp'] });
    const { sub, org, name, admin } = payload as Record<string, unknown>;
    if (typeof sub !== 'string' || sub === '' || typeof org !== 'string' || org === '') {
      throw new Error('token lacks sub or org');
    }
    return {
      userId: sub,
      orgId: org,
      name: typeof name === 'string' ? name : undefined,
      admin: admin === true,
    };
  };
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
