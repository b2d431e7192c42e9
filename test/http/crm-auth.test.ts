import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCallerVerifier } from '../../src/http/crm-auth.ts';
import { makeOutboundHttp } from '../../src/outbound/outbound-http.ts';

/** The JWKS server of these tests listens on 127.0.0.1: development's client. */
const local = makeOutboundHttp({ allowPrivate: true });

describe('CRM tokens verified against a JWKS (CRM_JWKS_URL)', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'crm-1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => {
    server.close();
  });

  const verifier = (opts: { issuer?: string; audience?: string } = {}) =>
    makeCallerVerifier(
      {
        jwtSecret: undefined,
        jwksUrl,
        issuer: opts.issuer,
        audience: opts.audience,
        maxLifetimeS: 24 * 3600,
      },
      local,
    );
  const sign = (claims: Record<string, unknown>, exp = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'crm-1' })
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(privateKey);

  it("when the CRM signs with its key, then the caller is the token's user and org", async () => {
    expect(
      await verifier()(await sign({ sub: 'u1', org: 'o1', name: 'Ana', admin: true })),
    ).toEqual({
      userId: 'u1',
      orgId: 'o1',
      name: 'Ana',
      admin: true,
    });
  });

  it('when the token lacks org, has expired, or is HS256 with a guessed secret, then it is refused', async () => {
    await expect(verifier()(await sign({ sub: 'u1' }))).rejects.toThrow();
    await expect(verifier()(await sign({ sub: 'u1', org: 'o1' }, '-1m'))).rejects.toThrow();
    const hs = await new SignJWT({ sub: 'u1', org: 'o1' })
      .setProtectedHeader({ alg: 'HS256', kid: 'crm-1' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('guessed-secret-guessed-secret'));
    await expect(verifier()(hs)).rejects.toThrow();
  });
});

describe('CRM token claims beyond the signature', () => {
  const secret = 'zq3V9mT1xK8wR2pL6nB4cY7hD0fJ5sGa';
  const verifier = (opts: { issuer?: string; audience?: string } = {}) =>
    makeCallerVerifier(
      {
        jwtSecret: secret,
        jwksUrl: undefined,
        issuer: opts.issuer,
        audience: opts.audience,
        maxLifetimeS: 24 * 3600,
      },
      local,
    );
  const now = Math.floor(Date.now() / 1000);
  const sign = (
    claims: Record<string, unknown>,
    times: { iat?: number | null; exp?: number | null } = {},
  ) => {
    let jwt = new SignJWT({ sub: 'u1', org: 'o1', ...claims }).setProtectedHeader({
      alg: 'HS256',
    });
    const iat = times.iat === undefined ? now : times.iat;
    const exp = times.exp === undefined ? now + 600 : times.exp;
    if (iat !== null) jwt = jwt.setIssuedAt(iat);
    if (exp !== null) jwt = jwt.setExpirationTime(exp);
    return jwt.sign(new TextEncoder().encode(secret));
  };

  // Issue 27 #10: the name becomes the From header's display name on sends.
  it.each([
    'security@paypal.com',
    '"security@paypal.com"',
    'Support ＠ PayPal',
    'Ana <ana@x.test>',
    'Ana\u202Eevil',
    'Line\r\nBcc: x@y.test',
  ])('when the token names the user %j, then the name is not used', async (name) => {
    expect((await verifier()(await sign({ name }))).name).toBeUndefined();
  });

  it('when the token names the user plainly, then the name is kept', async () => {
    expect((await verifier()(await sign({ name: 'Ana Lima, Sales' }))).name).toBe(
      'Ana Lima, Sales',
    );
  });

  it('when CRM_JWT_ISSUER and CRM_JWT_AUDIENCE are set, then only tokens naming both are accepted', async () => {
    const strict = verifier({ issuer: 'https://crm.example.com', audience: 'gmail-sync' });
    const good = await sign({ iss: 'https://crm.example.com', aud: 'gmail-sync' });
    expect((await strict(good)).userId).toBe('u1');
    await expect(
      strict(await sign({ iss: 'https://evil.example.com', aud: 'gmail-sync' })),
    ).rejects.toThrow();
    await expect(
      strict(await sign({ iss: 'https://crm.example.com', aud: 'other-service' })),
    ).rejects.toThrow();
    await expect(strict(await sign({}))).rejects.toThrow();
    // Unset, neither is required.
    expect((await verifier()(await sign({}))).userId).toBe('u1');
  });

  it('when a token has no exp or no iat, then it is refused', async () => {
    await expect(verifier()(await sign({}, { exp: null }))).rejects.toThrow();
    await expect(verifier()(await sign({}, { iat: null }))).rejects.toThrow();
  });

  it('when a token lives longer than the maximum lifetime, then it is refused even if unexpired', async () => {
    await expect(verifier()(await sign({}, { exp: now + 25 * 3600 }))).rejects.toThrow(
      /CRM_JWT_MAX_LIFETIME/,
    );
    expect((await verifier()(await sign({}, { exp: now + 23 * 3600 }))).orgId).toBe('o1');
  });

  it('when a token claims to be issued in the future, then it is refused', async () => {
    const iat = now + 10 * 365 * 86400;
    await expect(verifier()(await sign({}, { iat, exp: iat + 600 }))).rejects.toThrow();
  });
});
