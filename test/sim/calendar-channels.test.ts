import type { calendar_v3 } from 'googleapis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import type { RunningServer } from '../support/http-server.ts';
import {
  calendarFor,
  createEvent,
  type Notification,
  notificationReceiver,
} from '../support/sim-calendar.ts';
import { control, failure, faults } from '../support/sim-gmail.ts';
import { waitFor } from '../support/wait-for.ts';

const soon = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe('Calendar push channels in the simulator, through googleapis', () => {
  let sim: Simulator;
  let receiver: RunningServer & { received: Notification[] };
  let status: () => number = () => 200;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    receiver = await notificationReceiver(() => status());
  });
  afterEach(async () => {
    status = () => 200;
    await faults(sim, { reset: true });
  });
  afterAll(async () => {
    await receiver.close();
    await sim.close();
  });

  const forChannel = (id: string) =>
    receiver.received.filter((n) => n.headers['x-goog-channel-id'] === id);

  async function watch(
    calendar: calendar_v3.Calendar,
    id: string,
    extra: Partial<calendar_v3.Schema$Channel> = {},
  ) {
    return (
      await calendar.events.watch({
        calendarId: 'primary',
        requestBody: {
          id,
          type: 'web_hook',
          address: receiver.url,
          token: 'secret-token',
          ...extra,
        },
      })
    ).data;
  }

  it('when a channel opens and an event changes, then a sync message comes first, then exists, with Google’s headers', async () => {
    const calendar = await calendarFor(sim, 'push@vendor.test');
    const channel = await watch(calendar, 'chan-1');
    expect(channel).toMatchObject({ kind: 'api#channel', id: 'chan-1', token: 'secret-token' });
    expect(Number(channel.expiration)).toBeGreaterThan(Date.now());
    await waitFor(async () => forChannel('chan-1').length === 1, { what: 'the sync message' });
    await createEvent(sim, 'push@vendor.test', { summary: 'Demo', start: soon(1), end: soon(2) });
    await waitFor(async () => forChannel('chan-1').length === 2, { what: 'the exists message' });
    const [sync, exists] = forChannel('chan-1');
    expect(sync?.headers).toMatchObject({
      'x-goog-resource-state': 'sync',
      'x-goog-message-number': '1',
      'x-goog-channel-token': 'secret-token',
      'x-goog-resource-id': channel.resourceId,
    });
    expect(exists?.headers).toMatchObject({
      'x-goog-resource-state': 'exists',
      'x-goog-message-number': '2',
    });
    expect(Date.parse(exists?.headers['x-goog-channel-expiration'] ?? '')).toBeGreaterThan(
      Date.now(),
    );
    expect(exists?.body).toBe('');
  });

  it('when the receiver answers 503, then the message is retried until it is taken', async () => {
    const calendar = await calendarFor(sim, 'retry@vendor.test');
    await watch(calendar, 'chan-retry');
    await waitFor(async () => forChannel('chan-retry').length === 1);
    let refusals = 2;
    status = () => (refusals-- > 0 ? 503 : 200);
    const before = forChannel('chan-retry').length;
    await createEvent(sim, 'retry@vendor.test', {
      summary: 'Retried',
      start: soon(1),
      end: soon(2),
    });
    await waitFor(async () => forChannel('chan-retry').length === before + 3, {
      timeoutMs: 15_000,
    });
    const numbers = forChannel('chan-retry')
      .slice(before)
      .map((n) => n.headers['x-goog-message-number']);
    expect(new Set(numbers).size).toBe(1);
  });

  it('when a channel is stopped, then stop answers 204, a second stop 404, and a non-HTTPS address is refused', async () => {
    const calendar = await calendarFor(sim, 'stop@vendor.test');
    const channel = await watch(calendar, 'chan-stop');
    const stop = () =>
      calendar.channels.stop({
        requestBody: { id: 'chan-stop', resourceId: channel.resourceId as string },
      });
    expect((await stop()).status).toBe(204);
    expect((await failure(stop())).status).toBe(404);
    const insecure = await failure(
      watch(calendar, 'chan-http', { address: 'http://example.test/hook' }),
    );
    expect(insecure).toMatchObject({ status: 400, message: expect.stringContaining('HTTPS') });
    expect((await failure(watch(calendar, 'chan-1'))).status).toBe(400);
  });

  it('when a channel asks for a month, then it gets at most a week', async () => {
    const calendar = await calendarFor(sim, 'ttl@vendor.test');
    const month = Date.now() + 30 * 86_400_000;
    const channel = await watch(calendar, 'chan-ttl', { expiration: String(month) });
    expect(Number(channel.expiration)).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000);
    const listed = (await control(sim, 'GET', 'mailboxes/ttl@vendor.test/calendar/channels')) as {
      channels: { id: string; active: boolean }[];
    };
    expect(listed.channels).toEqual([expect.objectContaining({ id: 'chan-ttl', active: true })]);
  });
});
