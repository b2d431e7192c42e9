// /integrations/gmail/*: connect, the OAuth callback, status and disconnect. Thin: parse, call one
// use case, shape the answer.
import { Router } from 'express';
import { z } from 'zod';
import { getMailboxStatus } from '../activities/mailbox-status.ts';
import { makeCalendarRelease } from '../calendar/calendar-release.ts';
import { readCalendarStatus } from '../calendar/calendar-status.ts';
import type { Deps } from '../deps.ts';
import { requestSync } from '../ingest/request-sync.ts';
import { beginConnect, type CallbackInput, completeConnect } from '../mailbox/connect.ts';
import { SEND_SCOPE } from '../mailbox/consent-checks.ts';
import { disconnectMailbox } from '../mailbox/disconnect.ts';
import { getSettings, updateSettings } from '../mailbox/mailbox-settings.ts';
import { findMailboxForUser } from '../mailbox/mailbox-store.ts';
import type { VerifyCaller } from './crm-auth.ts';
import { requireCaller } from './crm-auth.ts';
import { limitPerUser } from './user-rate-limit.ts';
import { parseInput } from './validate.ts';

/**
 * A sync asked for by hand (a full one or a reconciliation costs a mailbox thousands of units) and
 * a settings change (lifting a block searches the mailbox again) spend Gmail quota: per (org,
 * user) and per process, 10 syncs at once, then one every 6 s; 30 settings changes, then one
 * every 2 s.
 */
const SYNC_RATE = { burst: 10, perMinute: 10 };
const SETTINGS_RATE = { burst: 30, perMinute: 30 };

export const connectQuery = z.object({ login_hint: z.email().max(320).optional() });
export const callbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
  scope: z.string().max(4096).optional(),
});
export const callbackBody = z.object({
  code: z.string().min(1).max(2048),
  state: z.string().min(1).max(512),
});
export const connectedView = z.object({
  message: z.string(),
  email: z.string(),
  scopes: z.array(z.string()),
});

const label = z.string().min(1).max(225);
const domain = z
  .string()
  .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'must be a domain such as example.com')
  .max(253);
export const settingsBody = z
  .object({
    excluded_labels: z.array(label).max(200).optional(),
    blocked_domains: z.array(domain).max(1000).optional(),
    blocked_addresses: z.array(z.email().max(320)).max(5000).optional(),
    log_internal: z.boolean().optional(),
    visibility: z.enum(['full', 'subject', 'metadata']).optional(),
    on_gmail_delete: z
      .enum(['keep', 'remove'])
      .optional()
      .describe('mail trashed or deleted in Gmail: its activity stays, or goes (back on untrash)'),
  })
  .strict();
export const syncBody = z
  .object({ full: z.boolean().optional(), reconcile: z.boolean().optional() })
  .strict();

export function gmailRoutes(deps: Deps, verifyCaller: VerifyCaller): Router {
  const router = Router();
  const auth = requireCaller(verifyCaller);
  const syncLimit = limitPerUser('sync', SYNC_RATE);
  const settingsLimit = limitPerUser('settings', SETTINGS_RATE);
  const connectDeps = {
    db: deps.database.db,
    pacers: deps.pacers,
    oauth: deps.oauth,
    vault: deps.vault,
    google: deps.config.google,
    log: deps.log,
  };

  router.get('/integrations/gmail/connect', auth, async (req, res) => {
    const { login_hint } = parseInput(connectQuery, req.query, 'query');
    const caller = res.locals.caller;
    const authUrl = await beginConnect(connectDeps, caller, login_hint);
    res.json({ auth_url: authUrl });
  });

  // Public: Google's redirect brings the browser here. Whoever opens a consent link lands here, so
  // with CRM_APP_URL nothing is completed: the browser goes on to the CRM, whose page finishes with
  // the POST below under the signed-in user's own token. Without it (development only), the
  // single-use state is the credential and this completes the connection.
  router.get('/integrations/gmail/callback', async (req, res) => {
    const query = parseInput(callbackQuery, req.query, 'query');
    const appUrl = deps.config.crm.appUrl;
    if (appUrl) return res.redirect(302, crmReturnUrl(appUrl, query));
    const { email, scopes } = await completeConnect(connectDeps, query);
    res.json({ message: connectedMessage(scopes), email });
  });

  router.post('/integrations/gmail/callback', auth, async (req, res) => {
    const input = parseInput(callbackBody, req.body ?? {});
    const { email, scopes } = await completeConnect(connectDeps, input, res.locals.caller);
    res.json({ message: connectedMessage(scopes), email, scopes });
  });

  router.get('/integrations/gmail/status', auth, async (_req, res) => {
    const { orgId, userId } = res.locals.caller;
    const db = deps.database.db;
    const [status, mailbox] = await Promise.all([
      getMailboxStatus(db, orgId, userId),
      findMailboxForUser(db, orgId, userId),
    ]);
    const calendar = await readCalendarStatus(db, mailbox, {
      syncCalendar: deps.config.google.syncCalendar,
      publicUrl: deps.config.publicUrl,
    });
    res.json({ ...status, calendar });
  });

  router.delete('/integrations/gmail/disconnect', auth, async (_req, res) => {
    const { orgId, userId } = res.locals.caller;
    const result = await disconnectMailbox(
      {
        db: deps.database.db,
        pacers: deps.pacers,
        mailboxAuth: deps.mailboxAuth,
        google: deps.config.google,
        log: deps.log,
        beforeRevoke: makeCalendarRelease({
          ...deps,
          db: deps.database.db,
          google: deps.config.google,
        }),
      },
      orgId,
      userId,
    );
    res.json(result);
  });

  router.post('/integrations/gmail/sync', auth, syncLimit, async (req, res) => {
    const { full, reconcile } = parseInput(syncBody, req.body ?? {});
    const { orgId, userId } = res.locals.caller;
    const kind = reconcile === true ? 'reconcile' : full === true;
    const jobId = await requestSync(deps.database.db, orgId, userId, kind);
    res.status(202).json({ job_id: jobId });
  });

  router.get('/integrations/gmail/settings', auth, async (_req, res) => {
    const { orgId, userId } = res.locals.caller;
    res.json(await getSettings(deps.database.db, orgId, userId));
  });

  router.put('/integrations/gmail/settings', auth, settingsLimit, async (req, res) => {
    const patch = parseInput(settingsBody, req.body);
    const { orgId, userId } = res.locals.caller;
    res.json(await updateSettings(deps.database.db, orgId, userId, patch));
  });

  return router;
}

/** `?gmail=callback&code&state` for the CRM's page to finish, or `?gmail=error&reason=…`. */
function crmReturnUrl(appUrl: string, query: CallbackInput): string {
  const url = new URL(appUrl);
  const set = (params: Record<string, string>) => {
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  };
  // Google's error is reported as one of our codes, not echoed: it is whatever the URL said.
  if (query.error) {
    return set({
      gmail: 'error',
      reason: query.error === 'access_denied' ? 'access_denied' : 'oauth_error',
    });
  }
  if (!query.state) return set({ gmail: 'error', reason: 'state_invalid' });
  if (!query.code) return set({ gmail: 'error', reason: 'code_missing' });
  return set({ gmail: 'callback', code: query.code, state: query.state });
}

function connectedMessage(scopes: string[]): string {
  return scopes.includes(SEND_SCOPE)
    ? 'Gmail connected'
    : 'Gmail connected read-only: sending needs gmail.send; connect again to allow it';
}
