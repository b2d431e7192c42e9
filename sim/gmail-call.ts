// What every Gmail REST call goes through (https://developers.google.com/gmail/api/reference/rest):
// authentication, the scope check, the account's state, the user's calls in flight, faults and the
// user's quota, in the order Google applies them, and Gmail's error body. Each resource's routes
// (gmail-*.ts) wrap their handlers in `call`.
import type { NextFunction, Request, Response } from 'express';
import { gmailRefusal } from './account-states.ts';
import { type CallStats, type SimContext, userStats } from './context.ts';
import type { GmailStore, SimMailbox, StoredMessage } from './gmail-store.ts';
import type { Quota } from './quota.ts';

// Scopes as Google's reference lists them for each method; `mail.google.com` is full access.
export const READ_SCOPES = ['gmail.readonly', 'gmail.modify', 'gmail.metadata', 'mail.google.com'];
export const SEND_SCOPES = ['gmail.send', 'gmail.compose', 'gmail.modify', 'mail.google.com'];
export const INSERT_SCOPES = ['gmail.insert', 'gmail.modify', 'mail.google.com'];
export const MODIFY_SCOPES = ['gmail.modify', 'mail.google.com'];
/** messages.delete is permanent: only full mail access may do it. */
export const DELETE_SCOPES = ['mail.google.com'];
export const SETTINGS_READ_SCOPES = [
  'gmail.readonly',
  'gmail.modify',
  'gmail.settings.basic',
  'mail.google.com',
];

export class GmailError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: string;
  readonly domain: string;
  constructor(code: number, message: string, reason: string, status: string, domain = 'global') {
    super(message);
    this.code = code;
    this.reason = reason;
    this.status = status;
    this.domain = domain;
  }
}

export const errors = {
  notFound: () => new GmailError(404, 'Requested entity was not found.', 'notFound', 'NOT_FOUND'),
  badRequest: (m: string) => new GmailError(400, m, 'invalidArgument', 'INVALID_ARGUMENT'),
  forbidden: (m: string, reason = 'forbidden') =>
    new GmailError(403, m, reason, 'PERMISSION_DENIED'),
};

export function sendGmailError(res: Response, e: GmailError): void {
  res.status(e.code).json({
    error: {
      code: e.code,
      message: e.message,
      errors: [{ message: e.message, domain: e.domain, reason: e.reason }],
      status: e.status,
    },
  });
}

declare module 'express-serve-static-core' {
  interface Locals {
    mailbox: SimMailbox;
  }
}

export type Handler = (req: Request, res: Response) => void | Promise<void>;
export type Call = (
  method: string,
  scopes: string[],
  handler: Handler,
) => (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** Whether a granted scope URL (`https://…/auth/gmail.modify`, `https://mail.google.com/`) is one of `needed`. */
function grants(scope: string, needed: string[]): boolean {
  const bare = scope.replace(/\/+$/, '');
  return needed.some((n) => bare === n || bare.endsWith(`/${n}`) || bare.endsWith(`//${n}`));
}

/**
 * Gmail refuses a user's calls past some number in flight at once with 429 "Too many concurrent
 * requests for user", reason `rateLimitExceeded`, domain `global`; the parts of a batch count one
 * by one (googleapis/google-api-dotnet-client#1982, postalsys/emailengine#426,
 * GAM-team/got-your-back#121). Google documents no number: `concurrency_per_user`, default 10 (0 lifts it).
 */
const DEFAULT_CONCURRENCY = 10;

function countRefusal(counts: CallStats, method: string): void {
  counts.rate_limited += 1;
  counts.refused[method] = (counts.refused[method] ?? 0) + 1;
}

export function makeCall(ctx: SimContext, store: GmailStore, quota: Quota): Call {
  const inFlight = new Map<string, number>();
  return (method, scopes, handler) => async (req, res, next) => {
    let entered: string | undefined;
    try {
      ctx.stats.calls[method] = (ctx.stats.calls[method] ?? 0) + 1;
      const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      const info = token ? ctx.lookupAccessToken(token) : undefined;
      if (!info) {
        throw new GmailError(
          401,
          'Request had invalid authentication credentials.',
          'authError',
          'UNAUTHENTICATED',
        );
      }
      const user = userStats(ctx.stats, info.email);
      user.calls[method] = (user.calls[method] ?? 0) + 1;
      const userId = String(req.params.userId ?? 'me').toLowerCase();
      if (userId !== 'me' && userId !== info.email)
        throw errors.forbidden(`Delegation denied for ${info.email}`);
      if (!info.scopes.some((s) => grants(s, scopes))) {
        throw errors.forbidden(
          'Request had insufficient authentication scopes.',
          'insufficientPermissions',
        );
      }
      const state = gmailRefusal(ctx.accountState(info.email));
      if (state)
        throw new GmailError(state.code, state.message, state.reason, state.status, state.domain);
      const faults = ctx.faults;
      const running = inFlight.get(info.email) ?? 0;
      const limit = faults.concurrency_per_user ?? DEFAULT_CONCURRENCY;
      if (limit > 0 && running >= limit) {
        for (const counts of [ctx.stats, user]) countRefusal(counts, method);
        throw new GmailError(
          429,
          'Too many concurrent requests for user',
          'rateLimitExceeded',
          'RESOURCE_EXHAUSTED',
        );
      }
      entered = info.email;
      inFlight.set(info.email, running + 1);
      if (faults.latency_ms) await new Promise((r) => setTimeout(r, faults.latency_ms));
      if (faults.error_rate && ctx.random() < faults.error_rate) {
        const codes = faults.error_codes?.length ? faults.error_codes : [500];
        const code = codes[Math.floor(ctx.random() * codes.length)] ?? 500;
        throw code === 429
          ? new GmailError(429, 'Rate Limit Exceeded', 'rateLimitExceeded', 'RESOURCE_EXHAUSTED')
          : code === 503
            ? new GmailError(
                503,
                'The service is currently unavailable.',
                'backendError',
                'UNAVAILABLE',
              )
            : new GmailError(code, 'Backend Error', 'backendError', 'INTERNAL');
      }
      const verdict = quota.charge(info.email, method);
      if (!verdict.ok) {
        for (const counts of [ctx.stats, user]) countRefusal(counts, method);
        // One of Gmail's three refusal forms, as the quota built it (no Retry-After header).
        res.status(verdict.status).json(verdict.body);
        return;
      }
      const cost = quota.cost(method);
      ctx.stats.units += cost;
      user.units += cost;
      res.locals.mailbox = store.ensure(info.email);
      await handler(req, res);
    } catch (error) {
      if (error instanceof GmailError) sendGmailError(res, error);
      else next(error);
    } finally {
      if (entered) inFlight.set(entered, (inFlight.get(entered) ?? 1) - 1);
    }
  };
}

/**
 * The message `id` of the caller's mailbox, or 404. A message Gmail has just announced may still
 * answer 404 for a while (`new_message_404_ms`), as its storage catches up with the notification.
 */
export function messageOr404(ctx: SimContext, res: Response, id: string): StoredMessage {
  const m = res.locals.mailbox.messages.get(id);
  if (!m) throw errors.notFound();
  const young = ctx.faults.new_message_404_ms ?? 0;
  if (young > 0 && Date.now() - m.arrivedAt < young) throw errors.notFound();
  return m;
}

export const base = '/gmail/v1/users/:userId';

/** A query parameter that may repeat (`labelIds=A&labelIds=B`), as a list. */
export function listParam(value: unknown): string[] {
  return ([] as string[]).concat((value as string | string[] | undefined) ?? []);
}
