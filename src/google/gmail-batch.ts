// messages.get for many ids in one HTTP request, through Google's batch endpoint
// (https://developers.google.com/gmail/api/guides/batch). Gmail charges each part as one call, so
// the quota is the same; what it saves is a round trip, a TLS record and a client request per
// message. Google asks for at most 50 parts a batch for Gmail. The googleapis client has no batch
// support, so the multipart body is built and read here; the mailbox's OAuth client sends it
// (adding, and on a 401 refreshing, the access token).
import { randomBytes } from 'node:crypto';
import type { gmail_v1 } from '@googleapis/gmail';
import type { OAuth2Client } from 'google-auth-library';

/** Gmail's advice: "larger batch sizes are likely to trigger rate limiting". */
export const MAX_BATCH = 50;

/** One part's answer: the message, or an error shaped like the client library's. */
export type BatchAnswer =
  | { id: string; message: gmail_v1.Schema$Message }
  | { id: string; error: BatchPartError };

export class BatchPartError extends Error {
  override name = 'BatchPartError';
  readonly status: number;
  readonly response: { status: number; data: unknown; headers: Record<string, string> };

  constructor(status: number, data: unknown, headers: Record<string, string>) {
    super(`batch part answered ${status}`);
    this.status = status;
    this.response = { status, data, headers };
  }
}

export interface GmailBatch {
  getMessages(ids: string[], format: 'full' | 'metadata' | 'minimal'): Promise<BatchAnswer[]>;
}

export function makeGmailBatch(auth: OAuth2Client, gmailRoot: string): GmailBatch {
  return {
    async getMessages(ids, format) {
      if (ids.length > MAX_BATCH) throw new Error(`a batch holds at most ${MAX_BATCH} parts`);
      const boundary = `batch_${randomBytes(12).toString('hex')}`;
      const body = ids
        .map((id, i) =>
          [
            `--${boundary}`,
            'Content-Type: application/http',
            `Content-ID: <item${i}>`,
            '',
            `GET /gmail/v1/users/me/messages/${encodeURIComponent(id)}?format=${format}`,
            '',
            '',
          ].join('\r\n'),
        )
        .join('')
        .concat(`--${boundary}--\r\n`);
      const res = await auth.request<string>({
        url: `${gmailRoot}batch/gmail/v1`,
        method: 'POST',
        headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` },
        data: body,
        responseType: 'text',
      });
      const contentType = String(res.headers.get?.('content-type') ?? '');
      const answers = readBatchResponse(String(res.data), contentType);
      return ids.map((id, i) => {
        const part = answers.get(`response-item${i}`);
        if (!part) return { id, error: new BatchPartError(0, 'no answer in the batch', {}) };
        if (part.status === 200) return { id, message: part.json as gmail_v1.Schema$Message };
        return { id, error: new BatchPartError(part.status, part.json, part.headers) };
      });
    },
  };
}

interface PartAnswer {
  status: number;
  headers: Record<string, string>;
  json: unknown;
}

/** Reads a multipart/mixed batch answer into its parts, by Content-ID. */
function readBatchResponse(text: string, contentType: string): Map<string, PartAnswer> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new Error('batch answer without a multipart boundary');
  const answers = new Map<string, PartAnswer>();
  for (const chunk of text.split(`--${boundary}`)) {
    const part = chunk.replace(/^\r?\n/, '');
    if (part.trim() === '' || part.startsWith('--')) continue;
    const [outer = '', http = ''] = splitOnce(part, /\r?\n\r?\n/);
    const contentId = /content-id:\s*<?([^>\s]+)>?/i.exec(outer)?.[1];
    const [head = '', body = ''] = splitOnce(http, /\r?\n\r?\n/);
    const [statusLine = '', ...headerLines] = head.split(/\r?\n/);
    const status = Number(/^HTTP\/[\d.]+\s+(\d{3})/.exec(statusLine)?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      if (colon > 0)
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (!contentId) continue;
    answers.set(contentId, { status, headers, json: parseJson(body.trim()) });
  }
  return answers;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function splitOnce(text: string, separator: RegExp): [string, string] {
  const m = separator.exec(text);
  if (!m) return [text, ''];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}
