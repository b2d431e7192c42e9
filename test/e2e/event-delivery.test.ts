// Events written outside a job (a route's write: a connection, a disconnection, an erasure) reach
// the CRM's webhook at once: each writer asks for a delivery run in its own transaction. The
// e2e worker runs no crontab, so the minute's sweep cannot be what delivers them here.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../../src/events/event-types.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const SECRET = 'event-delivery-test-secret-0123456789abcdef';
const ana = { sub: 'user-ana-events', org: 'org-events', name: 'Ana' };
const admin = { sub: 'boss-events', org: 'org-events', admin: true };
const bea = { sub: 'user-bea-events', org: 'org-events', name: 'Bea' };

interface Delivered {
  type: string;
  org_id: string;
  payload: Record<string, unknown>;
  at: number;
}

describe('event delivery asked by every writer', () => {
  let e2e: E2E;
  let receiver: Server;
  const received: Delivered[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ ...(JSON.parse(body) as Omit<Delivered, 'at'>), at: Date.now() });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    const port = (receiver.address() as AddressInfo).port;
    e2e = await startE2E({
      env: { CRM_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`, CRM_WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  /** The first delivery of `type` after `since`, waited for on the receiver. */
  const arrival = (type: EventType, since: number) =>
    waitFor(async () => received.find((e) => e.type === type && e.at >= since), {
      timeoutMs: 15_000,
      what: `${type} at the webhook`,
    });

  it('when a route connects, disconnects and erases, then each event reaches the webhook within seconds, its payload as the table says', async () => {
    const connectedAt = Date.now();
    const callback = await e2e.connect(ana, 'ana-events@acme.test');
    expect(callback.status).toBeLessThan(400);
    const connected = await arrival('mailbox.connected', connectedAt);
    expect(connected.payload).toMatchObject({ email: 'ana-events@acme.test' });
    expect(connected.at - connectedAt).toBeLessThan(15_000);

    const disconnectedAt = Date.now();
    const res = await e2e.api('/integrations/gmail/disconnect', { user: ana, method: 'DELETE' });
    expect(res.status).toBe(200);
    const disconnected = await arrival('mailbox.disconnected', disconnectedAt);
    expect(disconnected.payload).toMatchObject({ mailbox_id: connected.payload.mailbox_id });

    const erasedAt = Date.now();
    const erased = await e2e.api('/org/erasures', {
      user: admin,
      method: 'POST',
      body: JSON.stringify({ email: 'someone@example.org' }),
    });
    expect(erased.status).toBe(200);
    const erasure = await arrival('person.erased', erasedAt);
    expect(erasure.org_id).toBe('org-events');
    expect(JSON.stringify(erasure.payload)).not.toContain('someone@example.org');

    // Every event delivered is a type of the table, its payload of the table's shape.
    for (const event of received) {
      expect(Object.keys(EVENT_TYPES)).toContain(event.type);
      const schema = EVENT_TYPES[event.type as EventType].payload;
      expect(schema.safeParse(event.payload).error).toBeUndefined();
    }
  });

  it('when the sync logs a mail and its owner deletes it, then both events reach the webhook, and every event written matches the table', async () => {
    await addContact(e2e.deps.database.db, 'org-events', 'Carla Client', 'carla@client.test');
    expect((await e2e.connect(bea, 'bea-events@acme.test')).status).toBe(200);
    const loggedAt = Date.now();
    const raw = rawMail({ from: 'carla@client.test', to: 'bea-events@acme.test', subject: 'Hi' });
    await e2e.deliver('bea-events@acme.test', raw);
    const logged = await arrival('activity.logged', loggedAt);
    const activityId = String(logged.payload.activity_id);

    const deletedAt = Date.now();
    const res = await e2e.api(`/activities/${activityId}`, { user: bea, method: 'DELETE' });
    expect(res.status).toBe(200);
    const deleted = await arrival('activity.deleted', deletedAt);
    expect(deleted.payload).toEqual({ activity_id: activityId });

    // The outbox holds every event this suite wrote, delivered or not: each as the table says.
    const { rows } = await e2e.database.pool.query<{ type: string; payload: unknown }>(
      'select type, payload from events order by id',
    );
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows) {
      expect(Object.keys(EVENT_TYPES)).toContain(row.type);
      const schema = EVENT_TYPES[row.type as EventType].payload;
      expect(schema.safeParse(row.payload).error, row.type).toBeUndefined();
    }
  });
});
