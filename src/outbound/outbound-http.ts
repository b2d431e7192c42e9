// The one client for HTTP the service starts itself (the CRM webhook, the CRM's JWKS). Outside
// development every request resolves the host name, checks every address it resolves to
// (address-policy.ts: private, loopback, link-local and metadata, and the IPv6 forms that carry
// them), and connects to the address it checked: the connection is pinned to it (no second
// lookup a rebinding DNS server could answer differently), and TLS still verifies the certificate
// against the name. The check runs at every request, never only at start-up. Redirects are never
// followed: a 3xx is the answer (a 307 to 127.0.0.1 would otherwise carry the signed body there).
// Responses are read up to a size limit. Development (the simulator) may reach local addresses.
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isForbiddenAddress, isForbiddenHostName } from './address-policy.ts';

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** A larger answer fails the request (default 1 MiB). */
  maxResponseBytes?: number;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface OutboundHttp {
  request(url: string, req: OutboundRequest): Promise<OutboundResponse>;
  /** The same client as a fetch function (for jose's remote JWKS). */
  fetch(
    url: string,
    init: { method: 'GET'; headers: Headers; signal: AbortSignal },
  ): Promise<Response>;
}

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

/** A request refused before a connection was made: the URL may not be reached. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;
const systemResolve: Resolve = (host) => lookup(host, { all: true, verbatim: true });

export function makeOutboundHttp(opts: {
  /** Development only: loopback and private addresses may be reached. */
  allowPrivate: boolean;
  /** The resolver (tests give their own); the system's by default. */
  resolve?: Resolve;
}): OutboundHttp {
  const resolve = opts.resolve ?? systemResolve;

  async function pinnedAddress(url: URL): Promise<{ address: string; family: number }> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!opts.allowPrivate && isForbiddenHostName(host)) {
      throw new OutboundRefused(`${host} names a local or internal host`);
    }
    const family = isIP(host);
    const addresses = family ? [{ address: host, family }] : await resolve(host);
    const first = addresses[0];
    if (!first) throw new OutboundRefused(`${host} resolves to no address`);
    if (!opts.allowPrivate && addresses.some((a) => isForbiddenAddress(a.address))) {
      throw new OutboundRefused(`${host} resolves to a loopback, private or link-local address`);
    }
    return first;
  }

  async function request(target: string, req: OutboundRequest): Promise<OutboundResponse> {
    const url = new URL(target);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OutboundRefused(`${url.protocol} is not http(s)`);
    }
    const pinned = await pinnedAddress(url);
    const client = url.protocol === 'https:' ? https : http;
    const limit = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    return new Promise((resolvePromise, reject) => {
      const outgoing = client.request(
        {
          method: req.method,
          host: pinned.address,
          family: pinned.family,
          port: url.port || (url.protocol === 'https:' ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          // The certificate is checked against the name, the connection goes to the address.
          servername: isIP(url.hostname.replace(/^\[|\]$/g, '')) ? undefined : url.hostname,
          headers: { ...req.headers, host: url.host },
          // A connection of its own: the next request resolves and checks again.
          agent: false,
          timeout: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          ...(req.signal ? { signal: req.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              res.destroy(new Error(`answer larger than ${limit} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.once('error', reject);
          res.once('end', () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
            }
            resolvePromise({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      outgoing.once('timeout', () => outgoing.destroy(new Error('TimeoutError')));
      outgoing.once('error', reject);
      outgoing.end(req.body);
    });
  }

  return {
    request,
    async fetch(url, init) {
      const answer = await request(url, {
        method: 'GET',
        headers: Object.fromEntries(init.headers.entries()),
        signal: init.signal,
      });
      return new Response(answer.status === 204 || answer.status === 304 ? null : answer.body, {
        status: answer.status,
        headers: answer.headers,
      });
    },
  };
}
