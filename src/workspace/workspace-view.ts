// GET /org/workspace's answer: the Workspace's state as its last check left it, and what the
// domain's admin must authorise for our client (its id, once a check has learnt it, and scopes).

import type { GoogleConfig } from '../google/clients.ts';
import { delegatedScopes } from './check-workspace.ts';
import type { Workspace } from './workspace-store.ts';

export function workspaceView(ws: Workspace, google: GoogleConfig) {
  return {
    domain: ws.domain,
    admin_email: ws.adminEmail,
    selection: ws.users,
    state: ws.state,
    users: {
      found: ws.found,
      connected: ws.connected,
      failed: ws.failed,
      suspended: ws.suspended,
    },
    checked_at: ws.checkedAt?.toISOString() ?? null,
    last_error: ws.lastError,
    authorization: {
      service_account: google.delegationServiceAccount ?? null,
      client_id: ws.clientId,
      scopes: delegatedScopes(google),
    },
  };
}
