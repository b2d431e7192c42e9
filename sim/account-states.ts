// The states a Google account can be left in by its Workspace admin or by Google, and how Gmail
// and the token endpoint answer while it is in one (`PUT /__sim/mailboxes/{email}/state`), until it
// is set back to `ok`. Google documents none of these answers; each wording is the one other
// integrations' trackers show (docs/gmail-behaviour.md lists the evidence):
// - `mail_disabled`: the account has no Gmail (an admin turned the service off, or never on):
//   every Gmail call answers 400 `failedPrecondition` "Mail service not enabled"
//   (FlowCrypt/flowcrypt-browser#435, WPManageNinja/fluent-smtp#152, twentyhq/twenty#12349).
// - `domain_policy`: the domain's admin disabled Gmail for third-party apps: 403 `domainPolicy`
//   "The domain administrators have disabled Gmail apps." (Drive's documented `domainPolicy`
//   answer, in Gmail's words).
// - `suspended`: access tokens stop working (401) and a refresh answers `invalid_grant` "Invalid
//   email or User ID", the one wording found for a suspended Workspace user (GAM-team/GAM's
//   token errors, read by integrations as "not a valid email or user is disabled"). A refresh
//   token of a suspended account is not known to answer otherwise; the service must tell it from
//   a revoked grant, since a suspended account comes back with its grant.
// - `deleted`: the same, with the deleted wording, which differs by grant: "Account has been
//   deleted" to a refresh token (FlowCrypt/flowcrypt-browser#1244, #2269), "The account has been
//   deleted" to a service account's JWT (GAM-team/GAM#1171).
import express, { Router } from 'express';
import type { GmailStore } from './gmail-store.ts';

export const ACCOUNT_STATES = [
  'ok',
  'mail_disabled',
  'domain_policy',
  'suspended',
  'deleted',
] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export interface GmailRefusal {
  code: number;
  message: string;
  reason: string;
  status: string;
  domain: string;
}

/** How a Gmail REST call of an account in `state` is refused; undefined when it is served. */
export function gmailRefusal(state: AccountState): GmailRefusal | undefined {
  switch (state) {
    case 'mail_disabled':
      return {
        code: 400,
        message: 'Mail service not enabled',
        reason: 'failedPrecondition',
        status: 'FAILED_PRECONDITION',
        domain: 'global',
      };
    case 'domain_policy':
      return {
        code: 403,
        message: 'The domain administrators have disabled Gmail apps.',
        reason: 'domainPolicy',
        status: 'PERMISSION_DENIED',
        domain: 'global',
      };
    case 'suspended':
    case 'deleted':
      // Its tokens are no longer honoured: the client refreshes, and the refresh says why.
      return {
        code: 401,
        message: 'Request had invalid authentication credentials.',
        reason: 'authError',
        status: 'UNAUTHENTICATED',
        domain: 'global',
      };
    default:
      return undefined;
  }
}

/** The token endpoint's refusal for an account in `state`, by grant; undefined when it grants. */
export function tokenRefusal(
  state: AccountState,
  grant: 'refresh_token' | 'jwt_bearer',
): { error: string; error_description: string } | undefined {
  if (state === 'suspended')
    return { error: 'invalid_grant', error_description: 'Invalid email or User ID' };
  if (state === 'deleted') {
    const description =
      grant === 'jwt_bearer' ? 'The account has been deleted' : 'Account has been deleted';
    return { error: 'invalid_grant', error_description: description };
  }
  return undefined;
}

/** `PUT /__sim/mailboxes/{email}/state {"state"}`: what the admin or Google did to the account. */
export function accountStateRouter(store: GmailStore): Router {
  const router = Router();
  router.put('/__sim/mailboxes/:email/state', express.json(), (req, res) => {
    const state = (req.body as { state?: unknown } | undefined)?.state;
    if (!ACCOUNT_STATES.includes(state as AccountState)) {
      return res.status(400).json({ error: `state must be one of ${ACCOUNT_STATES.join(', ')}` });
    }
    const mb = store.ensure(req.params.email);
    mb.state = state as AccountState;
    res.json({ email: mb.email, state: mb.state });
  });
  return router;
}
