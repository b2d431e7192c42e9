import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCallerVerifier } from '../../src/http/crm-auth.ts';

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

  const verifier = () =>
    makeCallerVerifier({
      jwtSecret: undefined,
      jwksUrl,
      usesDevSecret: false,
      appUrl: undefined,
      webhookUrl: undefined,
      webhookSecret: undefined,
    });
  const sign = (claims: Record<string, unknown>, exp = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'crm-1' })
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
