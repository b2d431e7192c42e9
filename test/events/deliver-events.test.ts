import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverEvents, eventDeliveryState, signEvent } from '../../src/events/deliver-events.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const SECRET = 'a-webhook-secret-of-length';

describe('delivering CRM events to the webhook', () => {
  let database: TestDatabase;
  let receiver: Server;
  let url: string;
  const seen: { type: string; mailbox: string; seq: number }[] = [];
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
        const ts = String(req.headers['x-timestamp']);
        if (req.headers['x-signature'] !== signEvent(SECRET, ts, body)) badSignatures += 1;
        const event = JSON.parse(body) as {
          type: string;
          payload: { mailbox: string; seq: number };
        };
        // The CRM is down for the first two deliveries of mailbox A's first event.
        if (event.payload.mailbox === 'A' && event.payload.seq === 1 && failures < 2) {
          failures += 1;
          res.writeHead(500).end();
          return;
        }
        seen.push({ type: event.type, mailbox: event.payload.mailbox, seq: event.payload.seq });
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
    await deliverEvents({ db: deps.database.db, log: deps.log }, webhook);
    const stalled = await eventDeliveryState(deps.database.db, mailboxA);
    expect(stalled).toMatchObject({ pending: 3, last_error: 'HTTP 500' });
    // B is not held back by A's failure; A waits behind its first event.
    expect(seen.filter((e) => e.mailbox === 'B').map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(seen.filter((e) => e.mailbox === 'A')).toEqual([]);
    await database.pool.query(
      'update events set next_attempt_at = now() where delivered_at is null',
    );
    await deliverEvents({ db: deps.database.db, log: deps.log }, webhook);
    await database.pool.query(
      'update events set next_attempt_at = now() where delivered_at is null',
    );
    await deliverEvents({ db: deps.database.db, log: deps.log }, webhook);
    expect(seen.filter((e) => e.mailbox === 'A').map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(badSignatures).toBe(0);
    const { rows } = await database.pool.query(
      'select count(*)::int as n from events where delivered_at is null',
    );
    expect(rows[0].n).toBe(0);
  });
});
