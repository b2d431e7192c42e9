// CRM bearer tokens as the CRM would mint them (HS256 with the shared secret).
import { SignJWT } from 'jose';
import { DEV_JWT_SECRET } from '../../src/config.ts';

export async function crmToken(
  claims: { sub: string; org: string; name?: string; admin?: boolean },
  opts: { secret?: string; expiresIn?: string } = {},
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '10m')
    .sign(new TextEncoder().encode(opts.secret ?? DEV_JWT_SECRET));
}
