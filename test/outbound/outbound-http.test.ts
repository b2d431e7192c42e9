// Issue 27 #9: outbound HTTP resolves, checks every address, pins the checked one and never
// follows a redirect; the address policy knows the IPv6 forms that carry an internal IPv4.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForbiddenAddress, isForbiddenHostName } from '../../src/outbound/address-policy.ts';
import {
  makeOutboundHttp,
  OutboundRefused,
  type Resolve,
} from '../../src/outbound/outbound-http.ts';

describe('the address policy', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '::7f00:1',
    '::127.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    '64:ff9b:1::1',
    '2002:a9fe:a9fe::1',
    '2001::1',
    'fe80::1',
    'fd00::1',
    'fc12:3456::1',
    'ff02::1',
    '[::1]',
    'fe80::1%eth0',
    'not an address',
  ])('when the address is %s, then it may not be reached', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '2606:4700:4700::1111',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('when the address is %s, then it may be reached', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it('when a name is local, internal or a single label, then it may not be reached by name', () => {
    for (const name of [
      'localhost',
      'a.localhost',
      'printer.local',
      'metadata.google.internal',
      'metadata',
      'db.internal',
    ])
      expect(isForbiddenHostName(name)).toBe(true);
    for (const name of ['crm.example.com', 'hooks.crm.test', '93.184.216.34'])
      expect(isForbiddenHostName(name)).toBe(false);
  });
});

describe('the outbound client', () => {
  let server: Server;
  let port: number;
  const received: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(`${req.method} ${req.headers.host} ${req.url}`);
      if (req.url === '/redirect') res.writeHead(302, { location: '/elsewhere' }).end();
      else if (req.url === '/big') res.end(Buffer.alloc(2 * 1024 * 1024, 0x61));
      else res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  const resolver = (answers: string[][]) => {
    const calls: string[] = [];
    const resolve: Resolve = async (host) => {
      calls.push(host);
      const next = answers[Math.min(calls.length - 1, answers.length - 1)] ?? [];
      return next.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    return { resolve, calls };
  };

  it('when a public-looking name resolves to a loopback address (nip.io-style), then the request is refused and nothing is sent', async () => {
    const { resolve } = resolver([['127.0.0.1']]);
    const client = makeOutboundHttp({ allowPrivate: false, resolve });
    const before = received.length;
    await expect(
      client.request(`http://127.0.0.1.nip.io:${port}/hook`, { method: 'POST', body: 'x' }),
    ).rejects.toBeInstanceOf(OutboundRefused);
    expect(received.length).toBe(before);
  });

  it('when one of several resolved addresses is private, then the request is refused', async () => {
    const { resolve } = resolver([['93.184.216.34', '10.0.0.7']]);
    const client = makeOutboundHttp({ allowPrivate: false, resolve });
    await expect(client.request('https://crm.example.com/hook', { method: 'GET' })).rejects.toThrow(
      /resolves to a loopback, private or link-local address/,
    );
  });

  it('when an address literal or the metadata name is asked, then the request is refused before any lookup', async () => {
    const { resolve, calls } = resolver([['93.184.216.34']]);
    const client = makeOutboundHttp({ allowPrivate: false, resolve });
    for (const url of [
      `http://[::7f00:1]:${port}/`,
      'http://[64:ff9b::a9fe:a9fe]/latest/meta-data',
      'http://metadata.google.internal/computeMetadata/v1/',
    ]) {
      await expect(client.request(url, { method: 'GET' })).rejects.toBeInstanceOf(OutboundRefused);
    }
    expect(calls).toEqual([]);
  });

  it('when a name is asked twice, then it is resolved at each request and the connection goes to the address checked', async () => {
    const { resolve, calls } = resolver([['127.0.0.1']]);
    const client = makeOutboundHttp({ allowPrivate: true, resolve });
    for (let i = 0; i < 2; i++) {
      const res = await client.request(`http://webhook.test:${port}/pinned`, { method: 'GET' });
      expect(res.status).toBe(200);
    }
    expect(calls).toEqual(['webhook.test', 'webhook.test']);
    expect(received.filter((r) => r === `GET webhook.test:${port} /pinned`)).toHaveLength(2);
  });

  it('when the server redirects, then the redirect is the answer and its target is never asked', async () => {
    const client = makeOutboundHttp({ allowPrivate: true });
    const res = await client.request(`http://127.0.0.1:${port}/redirect`, { method: 'GET' });
    expect(res.status).toBe(302);
    expect(received.some((r) => r.endsWith('/elsewhere'))).toBe(false);
  });

  it('when an answer is larger than the limit, then the request fails', async () => {
    const client = makeOutboundHttp({ allowPrivate: true });
    await expect(
      client.request(`http://127.0.0.1:${port}/big`, { method: 'GET', maxResponseBytes: 1024 }),
    ).rejects.toThrow(/larger than 1024 bytes/);
  });
});
