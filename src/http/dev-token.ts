// Development CRM tokens: signed as the CRM would sign them (HS256, the shared secret), for the
// sign-in page, `gmail-sync dev-token` and `gmail-sync try-mailbox`. Production refuses to mint.
import { SignJWT } from 'jose';

export interface DevClaims {
  sub: string;
  org: string;
  name?: string;
  admin?: boolean;
}

/** The org and user a newcomer gets when they name none. */
export const DEV_ORG = 'dev-org';
export const DEV_USER = 'dev-user';
/** A working day: long enough not to sign in again, short enough that a leaked one dies soon. */
export const DEV_TOKEN_HOURS = 12;

export async function mintDevToken(secret: string, claims: DevClaims): Promise<string> {
  const { sub, org, name, admin } = claims;
  return new SignJWT({ sub, org, ...(name ? { name } : {}), ...(admin ? { admin: true } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(`${DEV_TOKEN_HOURS}h`)
    .sign(new TextEncoder().encode(secret));
}
