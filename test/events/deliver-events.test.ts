import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverEvents, eventDeliveryState } from '../../src/events/deliver-events.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const SECRET = 'a-webhook-secret-of-length';
const TOLERANCE_S = 300;

/**
 * What a CRM does with a delivery (docs/api.md's snippet): parse `t=…,v1=…`, refuse a timestamp
 * outside the window (a replay), recompute the HMAC over `t.body` and compare in constant time.
 */
function verifyWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  nowS = Math.floor(Date.now() / 1000),
): boolean {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((kv) => kv.split('=', 2) as [string, string]),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > TOLERANCE_S || !parts.v1) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('delivering CRM events to the webhook', () => {
  let database: TestDatabase;
  let receiver: Server;
  let url: string;
  const seen: { type: string; org_id: string; mailbox: string; seq: number }[] = [];
  const deliveries: { header: string; body: string }[] = [];
  let failures = 0;
  let badSignatures = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const header = String(req.headers['x-gmail-sync-signature']);
        deliveries.push({ header, body });
        if (!verifyWebhook(SECRET, header, body)) {
          badSignatures += 1;
          res.writeHead(401).end();
          return;
        }
        const event = JSON.parse(body) as {
          type: string;
          org_id: string;
          payload: { mailbox: string; seq: number };
        };
        // The CRM is down for the first two deliveries of mailbox A's first event.
        if (event.payload.mailbox === 'A' && event.payload.seq === 1 && failures < 2) {
          failures += 1;
          res.writeHead(500).end();
          return;
        }
        seen.push({
          type: event.type,
          org_id: event.org_id,
          mailbox: event.payload.mailbox,
          seq: event.payload.seq,
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    receiver.close();
    await database.drop();
  });

  it('when the CRM fails at first, then every event arrives signed, at least once, in order per mailbox', async () => {
    const mailboxA = '11111111-1111-4111-8111-111111111111';
    const mailboxB = '22222222-2222-4222-8222-222222222222';
    for (let seq = 1; seq <= 3; seq++) {
      for (const [name, id] of [
        ['A', mailboxA],
        ['B', mailboxB],
      ] as const) {
        await database.pool.query(
          `insert into events (org_id, mailbox_id, type, payload) values ('org', $1, 'activity.logged', $2)`,
          [id, { mailbox: name, seq }],
        );
      }
    }
    const deps = makeTestDeps(database);
    const webhook = { url, secret: SECRET };
    await deliverEvents({ db: deps.database.db, log: deps.log, http: deps.outbound }, webhook);
    const stalled = await eventDeliveryState(deps.database.db, mailboxA);
    expect(stalled).toMatchObject({ pending: 3, last_error: 'HTTP 500' });
    // B is not held back by A's failure; A waits behind its first event.
    expect(seen.filter((e) => e.mailbox === 'B').map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(seen.filter((e) => e.mailbox === 'A')).toEqual([]);
    await database.pool.query(
      'update events set next_attempt_at = now() where delivered_at is null',
    );
    await deliverEvents({ db: deps.database.db, log: deps.log, http: deps.outbound }, webhook);
    await database.pool.query(
      'update events set next_attempt_at = now() where delivered_at is null',
    );
    await deliverEvents({ db: deps.database.db, log: deps.log, http: deps.outbound }, webhook);
    expect(seen.filter((e) => e.mailbox === 'A').map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(badSignatures).toBe(0);
    expect(new Set(seen.map((e) => e.org_id))).toEqual(new Set(['org']));
    const { rows } = await database.pool.query(
      'select count(*)::int as n from events where delivered_at is null',
    );
    expect(rows[0].n).toBe(0);
  });

  it('when a delivery is replayed later or its timestamp changed, then the CRM can refuse it', () => {
    const { header, body } = deliveries.at(-1) ?? { header: '', body: '' };
    const t = Number(/t=(\d+)/.exec(header)?.[1]);
    expect(verifyWebhook(SECRET, header, body, t)).toBe(true);
    // The timestamp is inside the signed bytes: moving it forward breaks the signature.
    expect(verifyWebhook(SECRET, header.replace(`t=${t}`, `t=${t + 600}`), body, t + 600)).toBe(
      false,
    );
    expect(verifyWebhook(SECRET, header, body, t + 600)).toBe(false);
    expect(verifyWebhook(SECRET, header, body.replace('"org"', '"org-2"'), t)).toBe(false);
  });
});

// Issue 27 #9: a redirect is the CRM's answer, never a hop to wherever it points.
describe('a webhook that redirects', () => {
  let database: TestDatabase;
  let redirecting: Server;
  let elsewhere: Server;
  const reachedElsewhere: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    elsewhere = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        reachedElsewhere.push(`${req.headers['x-gmail-sync-signature']} ${body}`);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', () => r()));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/internal`;
    redirecting = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(307, { location: target }).end());
    });
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    redirecting.close();
    elsewhere.close();
    await database.drop();
  });

  it('when the webhook answers 307 to another address, then nothing reaches it and the delivery failed', async () => {
    const mailbox = '33333333-3333-4333-8333-333333333333';
    await database.pool.query(
      `insert into events (org_id, mailbox_id, type, payload) values ('org', $1, 'activity.logged', '{}')`,
      [mailbox],
    );
    const deps = makeTestDeps(database);
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/hooks`;
    await deliverEvents(
      { db: deps.database.db, log: deps.log, http: deps.outbound },
      { url, secret: SECRET },
    );
    expect(reachedElsewhere).toEqual([]);
    expect(await eventDeliveryState(deps.database.db, mailbox)).toMatchObject({
      pending: 1,
      last_error: 'HTTP 307',
    });
  });
});
