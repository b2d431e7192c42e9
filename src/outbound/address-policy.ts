// Which addresses and host names an outbound request (the CRM webhook, the JWKS fetch) may reach
// outside development: none of the service's own network. Checked on every address a name
// resolves to, at each request (outbound-http.ts), and on the configured URL at start-up
// (config-safety.ts). IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4)
// are judged by the IPv4 address inside: `[::7f00:1]` is 127.0.0.1, `[64:ff9b::a9fe:a9fe]` is
// the metadata server 169.254.169.254.
import { isIP } from 'node:net';

/** IPv4 ranges that are not the public internet (RFC 6890's special-purpose registry). */
const IPV4_FORBIDDEN: [number, number][] = (
  [
    ['0.0.0.0', 8], // "this network"
    ['10.0.0.0', 8], // private
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8], // loopback
    ['169.254.0.0', 16], // link-local: cloud metadata (169.254.169.254)
    ['172.16.0.0', 12], // private
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // documentation
    ['192.88.99.0', 24], // 6to4 relay anycast
    ['192.168.0.0', 16], // private
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // documentation
    ['203.0.113.0', 24], // documentation
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, and the broadcast address
  ] as const
).map(([net, len]): [number, number] => [ipv4Number(net), len]);

/** True when `ip` (IPv4 or IPv6 text) is not a public internet address. */
export function isForbiddenAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(bare) === 4) return isForbiddenIpv4(ipv4Number(bare));
  if (isIP(bare) !== 6) return true;
  return isForbiddenIpv6(ipv6Bytes(bare));
}

/** Names that reach the service's own network whatever they resolve to, or mean nothing outside it. */
export function isForbiddenHostName(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (isIP(name.replace(/^\[|\]$/g, ''))) return false;
  return (
    !name.includes('.') || // single labels: `metadata`, `localhost`, search-domain names
    /\.(?:localhost|local|internal|home\.arpa|lan)$/.test(name) ||
    name === 'metadata.google.internal'
  );
}

function isForbiddenIpv4(n: number): boolean {
  return IPV4_FORBIDDEN.some(([net, len]) => n >>> (32 - len) === net >>> (32 - len));
}

function isForbiddenIpv6(b: number[]): boolean {
  const word = (i: number) => ((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0);
  const v4At = (i: number) =>
    (((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)) >>>
    0;
  const zeroUpTo = (n: number) => b.slice(0, n).every((x) => x === 0);
  // ::/96 (unspecified, loopback, IPv4-compatible) and ::ffff:0:0/96 (IPv4-mapped).
  if (zeroUpTo(12)) return isForbiddenIpv4(v4At(12)) || v4At(12) <= 1;
  if (zeroUpTo(10) && word(5) === 0xffff) return isForbiddenIpv4(v4At(12));
  // 64:ff9b::/96, NAT64 (RFC 6052): the IPv4 address it translates to.
  if (word(0) === 0x64 && word(1) === 0xff9b && [2, 3, 4, 5].every((i) => word(i) === 0)) {
    return isForbiddenIpv4(v4At(12));
  }
  if (word(0) === 0x64 && word(1) === 0xff9b && word(2) === 1) return true; // local-use NAT64
  if (word(0) === 0x2002) return isForbiddenIpv4(v4At(2)); // 6to4
  if (word(0) === 0x2001 && word(1) === 0) return true; // Teredo: the IPv4 inside is obfuscated
  if (word(0) === 0x2001 && word(1) === 0xdb8) return true; // documentation
  if (word(0) === 0x100 && [1, 2, 3].every((i) => word(i) === 0)) return true; // discard-only
  const first = b[0] ?? 0;
  const second = b[1] ?? 0;
  return (
    (first & 0xfe) === 0xfc || // unique local fc00::/7
    (first === 0xfe && (second & 0xc0) === 0x80) || // link-local fe80::/10
    (first === 0xfe && (second & 0xc0) === 0xc0) || // site-local fec0::/10 (deprecated)
    first === 0xff // multicast
  );
}

function ipv4Number(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0);
}

/** The 16 bytes of an IPv6 address in any textual form (`::` and a dotted IPv4 tail included). */
function ipv6Bytes(ip: string): number[] {
  let text = ip.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const n = ipv4Number(dotted);
    text = `${text.slice(0, -dotted.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const words = (part: string) =>
    part === '' ? [] : part.split(':').map((w) => Number.parseInt(w, 16));
  const left = words(head);
  const right = tail === undefined ? [] : words(tail);
  const all = [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return all.flatMap((w) => [(w >> 8) & 0xff, w & 0xff]);
}
