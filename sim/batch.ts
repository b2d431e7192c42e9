// POST /batch/gmail/v1: Google's batch endpoint (https://developers.google.com/gmail/api/guides/batch).
// The body is multipart/mixed; each part an `application/http` request. Each sub-request runs
// through the ordinary routes (so it is authenticated, charged and counted as one call), injected
// in-process by light-my-request rather than over a socket, and the answers come back as
// multipart/mixed with `Content-ID: response-<id>`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { Router } from 'express';
import { inject } from 'light-my-request';

/** The simulator's own request handler, which each part is dispatched to. */
export type Dispatch = (req: IncomingMessage, res: ServerResponse) => void;

interface SubRequest {
  contentId: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export function batchRouter(dispatch: Dispatch): Router {
  const router = Router();
  router.post(
    '/batch/gmail/v1',
    express.text({ type: () => true, limit: '50mb' }),
    async (req, res) => {
      const boundary = /boundary="?([^";]+)"?/i.exec(req.get('content-type') ?? '')?.[1];
      if (!boundary)
        return res
          .status(400)
          .json({ error: { code: 400, message: 'multipart/mixed boundary required' } });
      const parts = splitParts(String(req.body ?? ''), boundary).map(parsePart);
      if (parts.length > 100)
        return res
          .status(400)
          .json({ error: { code: 400, message: 'Too many requests in batch.' } });
      const outer = req.get('authorization');
      const answers = await Promise.all(
        parts.map(async (part) => {
          const headers: Record<string, string> = { ...part.headers };
          if (outer && !headers.authorization) headers.authorization = outer;
          const r = await inject(dispatch, {
            method: part.method as 'GET',
            url: part.path,
            headers,
            ...(part.method === 'GET' || part.method === 'DELETE' ? {} : { payload: part.body }),
          });
          return {
            part,
            status: r.statusCode,
            statusText: r.statusMessage,
            contentType: String(r.headers['content-type'] ?? 'application/json'),
            text: r.payload,
          };
        }),
      );
      const out = `batch_${randomBytes(8).toString('hex')}`;
      const body = answers
        .map((a) =>
          [
            `--${out}`,
            'Content-Type: application/http',
            `Content-ID: <response-${a.part.contentId.replace(/[<>]/g, '')}>`,
            '',
            `HTTP/1.1 ${a.status} ${a.statusText}`,
            `Content-Type: ${a.contentType}`,
            '',
            a.text,
          ].join('\r\n'),
        )
        .join('\r\n');
      res.type(`multipart/mixed; boundary=${out}`).send(`${body}\r\n--${out}--\r\n`);
    },
  );
  return router;
}

function splitParts(body: string, boundary: string): string[] {
  return body
    .split(`--${boundary}`)
    .map((p) => p.replace(/^\r?\n/, ''))
    .filter((p) => p.trim() !== '' && !p.startsWith('--'));
}

function parsePart(part: string): SubRequest {
  const [head = '', rest = ''] = splitOnce(part, /\r?\n\r?\n/);
  const contentId = /content-id:\s*(\S+)/i.exec(head)?.[1] ?? randomBytes(4).toString('hex');
  const [requestHead = '', body = ''] = splitOnce(rest, /\r?\n\r?\n/);
  const [line = '', ...headerLines] = requestHead.split(/\r?\n/);
  const [method = 'GET', target = '/'] = line.split(' ');
  const headers: Record<string, string> = {};
  for (const h of headerLines) {
    const i = h.indexOf(':');
    if (i > 0) headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  const path = target.startsWith('http')
    ? new URL(target).pathname + new URL(target).search
    : target;
  return {
    contentId,
    method: method.toUpperCase(),
    path,
    headers,
    body: body.replace(/\r?\n$/, ''),
  };
}

function splitOnce(text: string, separator: RegExp): [string, string] {
  const m = separator.exec(text);
  if (!m) return [text, ''];
  return [text.slice(0, m.index), text.slice(m.index + m[0].length)];
}
