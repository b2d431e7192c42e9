// Reading a Gmail notification from the bytes Pub/Sub delivers, for the push endpoint and pull mode
// alike. Whatever the bytes are, the answer is a notification or a reason to dead-letter them, and
// the bytes are never parsed deeply nor stored whole: a malformed push fails alone.
import { z } from 'zod';
import { type GmailNotification, gmailNotification } from './notifications.ts';

/** Google's push body (https://cloud.google.com/pubsub/docs/push#receive_push). */
export const pushEnvelope = z.object({
  message: z.object({
    data: z.string().max(65_536),
    messageId: z.string().optional(),
    message_id: z.string().optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
  subscription: z.string().optional(),
});

/**
 * The envelope nests three deep and Gmail's data one; eight leaves room and refuses a body nested
 * thousands deep before JSON.parse builds it (and before storing it would overflow a stack).
 */
const MAX_DEPTH = 8;
/** How much of an unreadable payload a dead letter keeps for an operator to look at. */
const EXCERPT_CHARS = 2_048;

export type NotificationRead =
  | { ok: true; value: GmailNotification }
  | { ok: false; reason: string; payload: Record<string, unknown> };

/** A push: the Pub/Sub envelope around base64 data. */
export function readPushBody(body: Buffer): NotificationRead {
  const envelope = parseBoundedJson(body.toString('utf8'));
  const parsed = envelope.ok ? pushEnvelope.safeParse(envelope.value) : undefined;
  if (!parsed?.success) return refuse('malformed_envelope', body);
  const { data, messageId, message_id } = parsed.data.message;
  const read = readNotificationData(Buffer.from(data, 'base64'));
  if (read.ok) return read;
  return { ...read, payload: { message_id: messageId ?? message_id ?? null, ...read.payload } };
}

/** Gmail's data, `{"emailAddress","historyId"}`, as pull mode receives it (already decoded). */
export function readNotificationData(data: Buffer): NotificationRead {
  const json = parseBoundedJson(data.toString('utf8'));
  if (!json.ok) return refuse('malformed_data', data);
  const notification = gmailNotification.safeParse(json.value);
  if (notification.success) return { ok: true, value: notification.data };
  const reason = notification.error.issues.some((i) => i.path[0] === 'historyId')
    ? 'malformed_history_id'
    : 'malformed_data';
  return refuse(reason, data);
}

function parseBoundedJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (jsonDepthExceeds(text, MAX_DEPTH)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Counts bracket depth outside strings, without building anything. */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return false;
}

/**
 * A dead letter keeps the size and a flat excerpt: characters jsonb refuses (NUL, lone surrogates)
 * and other control characters become U+FFFD, so storing the letter cannot fail on what made it one.
 */
function refuse(reason: string, bytes: Buffer): NotificationRead {
  const excerpt = bytes
    .subarray(0, EXCERPT_CHARS * 4)
    .toString('utf8')
    .slice(0, EXCERPT_CHARS)
    .replace(/[\p{Cc}\p{Cs}]/gu, '\ufffd');
  return { ok: false, reason, payload: { bytes: bytes.length, excerpt } };
}
