// The machine-readable parts of a delivery report in Gmail's part tree (RFC 3464/6522:
// multipart/report; report-type=delivery-status): the `message/delivery-status` text, and the
// Message-IDs of the returned message (a `message/rfc822` part's headers, or `text/rfc822-headers`).
// Also the Message-IDs quoted in the notice's own text, where non-standard reports (qmail, Yahoo,
// Exim, Exchange's "Original message headers") copy the original. Bounded: at most 16 KiB of each
// part read, a shallow walk, a few ids.
import { cleanText } from './clean-text.ts';
import { MAX_DEPTH } from './mime-limits.ts';
import { headerOf, mimeTypeOf, type Part, partBytes } from './mime-part.ts';

export interface DeliveryReportParts {
  /** The delivery-status fields as text; null when the mail carries none. */
  deliveryStatus: string | null;
  /** Message-IDs of the returned message, `<…>` form. */
  returnedMessageIds: string[];
}

const PART_BYTES = 16 * 1024;
const MAX_IDS = 20;
const MAX_PARTS = 200;
const MESSAGE_ID = /^(?:message-id|x-google-original-message-id)[ \t]*:[ \t]*(<[^<>\s]{1,500}>)/gim;

export function readDeliveryReport(payload: Part | undefined): DeliveryReportParts | null {
  if (!payload) return null;
  const found: DeliveryReportParts = { deliveryStatus: null, returnedMessageIds: [] };
  let seen = 0;
  const walk = (part: Part, depth: number): void => {
    if (depth > Math.min(MAX_DEPTH, 8) || ++seen > MAX_PARTS) return;
    const type = mimeTypeOf(part);
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      found.deliveryStatus ??= text(part);
    } else if (type === 'text/rfc822-headers' || type === 'message/global-headers') {
      addIds(found, text(part));
    } else if ((type === 'message/rfc822' || type === 'message/global') && part.parts?.[0]) {
      // Gmail lists the returned message's own part tree, its headers on the first child.
      for (const id of [headerOf(part.parts[0], 'Message-ID')]) addIds(found, `Message-ID: ${id}`);
      return;
    }
    for (const child of part.parts ?? []) walk(child, depth + 1);
  };
  walk(payload, 0);
  return found.deliveryStatus !== null || found.returnedMessageIds.length > 0 ? found : null;
}

/** Message-IDs quoted as header lines in a text (the copy of the original a notice includes). */
export function quotedMessageIds(text: string): string[] {
  return [...text.matchAll(MESSAGE_ID)].map((m) => m[1] ?? '').slice(0, MAX_IDS);
}

function addIds(found: DeliveryReportParts, text: string): void {
  for (const id of quotedMessageIds(text)) {
    if (found.returnedMessageIds.length < MAX_IDS && !found.returnedMessageIds.includes(id)) {
      found.returnedMessageIds.push(id);
    }
  }
}

function text(part: Part): string {
  return cleanText(partBytes(part, PART_BYTES).bytes.toString('utf8'));
}
