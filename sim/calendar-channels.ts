// Calendar push notifications (https://developers.google.com/workspace/calendar/api/guides/push):
// events.watch opens a channel to an HTTPS address, a `sync` message goes out first, then an
// `exists` message on every change to the calendar's events; the body is empty and the headers say
// which channel and resource, the channel's token, a message number and the channel's expiration.
// Google retries a message answered 500, 502, 503 or 504 with exponential backoff and counts any
// other non-2xx as a failure. channels.stop ends a channel.
//
// Where Google documents nothing, the behaviour that would lose the most is taken:
//   - a channel lives at most a week (`calendar.channel_max_ttl_ms`), whatever expiration was asked;
//   - messages keep arriving for a few seconds after stop (reported against Google:
//     googleapis/google-api-nodejs-client#1402, "Why do I still receive notifications after stop");
//   - `calendar.drop` loses messages outright, as any webhook delivery can be lost.
import express, { Router } from 'express';
import { type CalendarCall, CalendarError } from './calendar-call.ts';
import type { CalendarStore, SimCalendar, SimChannel } from './calendar-store.ts';
import type { SimContext } from './context.ts';

export const DEFAULT_CHANNEL_TTL_MS = 7 * 86_400_000;
const STOP_TRAIL_MS = 5_000;
const RETRIED = new Set([500, 502, 503, 504]);
const MAX_ATTEMPTS = 6;

export interface NotificationStats {
  sent: number;
  acked: number;
  dropped: number;
  failed: number;
}

export function calendarChannelsRouter(
  ctx: SimContext,
  store: CalendarStore,
  call: CalendarCall,
  stats: NotificationStats,
): Router {
  const router = Router();
  const json = express.json();
  router.post(
    '/calendar/v3/calendars/:calendarId/events/watch',
    json,
    call('calendar.events.watch', (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const id = String(body.id ?? '');
      if (!/^[A-Za-z0-9\-_+/=]{1,64}$/.test(id))
        throw CalendarError.badRequest('Invalid channel id.', 'id');
      if (body.type !== 'web_hook' && body.type !== 'webhook')
        throw CalendarError.badRequest(`Unsupported channel type: ${String(body.type)}`, 'type');
      const address = String(body.address ?? '');
      if (!acceptedAddress(address))
        throw CalendarError.badRequest(`WebHook callback must be HTTPS: ${address}`, 'address');
      const token = body.token === undefined ? undefined : String(body.token);
      if (token !== undefined && token.length > 256)
        throw CalendarError.badRequest('Channel token too long.', 'token');
      if ([...store.calendars.values()].some((c) => c.channels.has(id)))
        throw new CalendarError(400, `Channel id ${id} not unique`, 'channelIdNotUnique');
      const calendar: SimCalendar = res.locals.calendar;
      const channel: SimChannel = {
        id,
        resourceId: calendar.resourceId,
        resourceUri: `${ctx.baseUrl}/calendar/v3/calendars/${encodeURIComponent(calendar.email)}/events?alt=json`,
        token,
        address,
        expiration: expirationOf(
          body,
          ctx.faults.calendar?.channel_max_ttl_ms ?? DEFAULT_CHANNEL_TTL_MS,
        ),
        stoppedAt: undefined,
        messageNumber: 0,
      };
      calendar.channels.set(id, channel);
      res.json({
        kind: 'api#channel',
        id,
        resourceId: channel.resourceId,
        resourceUri: channel.resourceUri,
        ...(token !== undefined ? { token } : {}),
        expiration: String(channel.expiration),
      });
      // The first message says the channel is open ("sync"); it announces no change.
      setImmediate(() => notify(ctx, channel, 'sync', stats));
    }),
  );

  router.post(
    '/calendar/v3/channels/stop',
    json,
    call('calendar.channels.stop', (req, res) => {
      const body = (req.body ?? {}) as { id?: string; resourceId?: string };
      const calendar: SimCalendar = res.locals.calendar;
      const channel = calendar.channels.get(String(body.id ?? ''));
      if (!channel || channel.resourceId !== body.resourceId || channel.stoppedAt !== undefined)
        throw CalendarError.notFound(
          `Channel '${String(body.id)}' not found for project '${ctx.projectNumber}'`,
        );
      channel.stoppedAt = Date.now();
      res.status(204).end();
    }),
  );
  return router;
}

/** Called after a change to the calendar's events: an `exists` message to each live channel. */
export function makeChannelNotifier(ctx: SimContext, stats: NotificationStats) {
  return (calendar: SimCalendar) => {
    const now = Date.now();
    for (const channel of calendar.channels.values()) {
      if (channel.expiration <= now) continue;
      if (channel.stoppedAt !== undefined && now - channel.stoppedAt > STOP_TRAIL_MS) continue;
      notify(ctx, channel, 'exists', stats);
    }
  };
}

function notify(
  ctx: SimContext,
  channel: SimChannel,
  state: 'sync' | 'exists',
  stats: NotificationStats,
): void {
  channel.messageNumber += 1;
  if (state === 'exists' && ctx.random() < (ctx.faults.calendar?.drop ?? 0)) {
    stats.dropped += 1;
    return;
  }
  const headers: Record<string, string> = {
    'X-Goog-Channel-ID': channel.id,
    'X-Goog-Message-Number': String(channel.messageNumber),
    'X-Goog-Resource-ID': channel.resourceId,
    'X-Goog-Resource-State': state,
    'X-Goog-Resource-URI': channel.resourceUri,
    'X-Goog-Channel-Expiration': new Date(channel.expiration).toUTCString(),
    ...(channel.token !== undefined ? { 'X-Goog-Channel-Token': channel.token } : {}),
  };
  stats.sent += 1;
  void deliver(channel.address, headers, stats, 1);
}

async function deliver(
  address: string,
  headers: Record<string, string>,
  stats: NotificationStats,
  attempt: number,
) {
  const status = await fetch(address, { method: 'POST', headers, body: '' }).then(
    async (r) => {
      await r.arrayBuffer().catch(() => undefined);
      return r.status;
    },
    () => 0,
  );
  if (status >= 200 && status < 300) {
    stats.acked += 1;
    return;
  }
  if ((RETRIED.has(status) || status === 0) && attempt < MAX_ATTEMPTS) {
    const delay = 250 * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
    setTimeout(() => void deliver(address, headers, stats, attempt + 1), delay).unref();
    return;
  }
  stats.failed += 1;
}

/** HTTPS, as Google requires; plain HTTP only to this machine, so tests and development can receive. */
function acceptedAddress(address: string): boolean {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function expirationOf(body: Record<string, unknown>, maxTtlMs: number): number {
  const now = Date.now();
  const params = (body.params ?? {}) as { ttl?: string };
  const asked =
    body.expiration !== undefined
      ? Number(body.expiration)
      : params.ttl !== undefined
        ? now + Number(params.ttl) * 1000
        : undefined;
  const latest = now + maxTtlMs;
  return asked !== undefined && Number.isFinite(asked) && asked > now
    ? Math.min(asked, latest)
    : latest;
}
