// Google Workspace domains as the simulator knows them: their users (the Admin SDK Directory lists
// them, admin-directory.ts) and what each domain's admin authorised for domain-wide delegation
// (Admin console › Security › API controls › Domain-wide delegation: a service account's client id
// and the scopes it may ask for as any user; the token endpoint checks it, jwt-bearer.ts). Control
// API: POST /__sim/workspaces (again for the same domain: replaced, as when the admin changes what
// is authorised), PUT /__sim/workspaces/{domain}/users.
import { createHash } from 'node:crypto';
import express, { type Response, Router } from 'express';
import type { GmailStore } from './gmail-store.ts';

export interface WorkspaceUser {
  email: string;
  suspended: boolean;
  /** `isAdmin` in the Directory API; see `mayAdminister`. */
  isAdmin: boolean;
}

export interface Workspace {
  domain: string;
  /** By lower-cased primary address, in the order given. */
  users: Map<string, WorkspaceUser>;
  /** Service account email → the scopes the admin authorised for it. */
  delegation: Map<string, string[]>;
}

export class Workspaces {
  readonly byDomain = new Map<string, Workspace>();

  /** The Workspace whose domain an address is in. */
  ofAddress(email: string): Workspace | undefined {
    return this.byDomain.get(email.slice(email.lastIndexOf('@') + 1).toLowerCase());
  }

  /**
   * Whether `email` may read its domain's directory. Google allows it to administrators only; a
   * Workspace created without any `is_admin` user lets every active user do it (a simulator
   * shortcut, so a test need not name an admin when it is not about admins).
   */
  mayAdminister(email: string, domain: string): boolean {
    const ws = this.byDomain.get(domain);
    const user = ws?.users.get(email.toLowerCase());
    if (!ws || !user || user.suspended) return false;
    const anyAdmin = [...ws.users.values()].some((u) => u.isAdmin);
    return anyAdmin ? user.isAdmin : true;
  }
}

/**
 * A service account's OAuth 2.0 client id, the number the admin enters in the Admin console: Google
 * gives each service account a 21-digit `uniqueId`, which is also its `oauth2ClientId`.
 */
export function clientIdOf(serviceAccount: string): string {
  const digest = createHash('sha256').update(serviceAccount.toLowerCase()).digest();
  return `1${(digest.readBigUInt64BE(0) % 10n ** 20n).toString().padStart(20, '0')}`;
}

interface UserInput {
  email?: unknown;
  suspended?: unknown;
  is_admin?: unknown;
}

function parseUsers(domain: string, input: unknown): Map<string, WorkspaceUser> | string {
  if (!Array.isArray(input)) return 'users must be a list';
  const users = new Map<string, WorkspaceUser>();
  for (const raw of input as UserInput[]) {
    const email = String(raw?.email ?? '').toLowerCase();
    if (!email.endsWith(`@${domain}`)) return `${email || 'a user'} is not in ${domain}`;
    users.set(email, {
      email,
      suspended: raw.suspended === true,
      isAdmin: raw.is_admin === true,
    });
  }
  return users;
}

export function workspacesRouter(store: GmailStore, workspaces: Workspaces): Router {
  const router = Router();
  const json = express.json({ limit: '10mb' });
  const refuse = (res: Response, status: number, error: string) =>
    res.status(status).json({ error });

  router.post('/__sim/workspaces', json, (req, res) => {
    const body = (req.body ?? {}) as { domain?: unknown; users?: unknown; delegation?: unknown };
    const domain = String(body.domain ?? '').toLowerCase();
    if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain)) return refuse(res, 400, 'domain is required');
    const users = parseUsers(domain, body.users ?? []);
    if (typeof users === 'string') return refuse(res, 400, users);
    const delegation = new Map<string, string[]>();
    for (const [account, scopes] of Object.entries((body.delegation ?? {}) as object)) {
      if (!Array.isArray(scopes)) return refuse(res, 400, `delegation.${account} must be a list`);
      delegation.set(account.toLowerCase(), scopes.map(String));
    }
    const existed = workspaces.byDomain.has(domain);
    workspaces.byDomain.set(domain, { domain, users, delegation });
    for (const user of users.values())
      store.ensure(user.email).state = user.suspended ? 'suspended' : 'ok';
    res.status(existed ? 200 : 201).json({ domain, users: users.size });
  });

  /**
   * The domain's users from now on: a user left out is deleted, one marked `suspended` suspended
   * (the account's state, account-states.ts: its tokens stop working at once, Gmail and the token
   * endpoint answer as Google does), one listed and not suspended is active again.
   */
  router.put('/__sim/workspaces/:domain/users', json, (req, res) => {
    const ws = workspaces.byDomain.get(String(req.params.domain).toLowerCase());
    if (!ws) return refuse(res, 404, `no workspace ${req.params.domain}`);
    const users = parseUsers(ws.domain, (req.body as { users?: unknown } | undefined)?.users);
    if (typeof users === 'string') return refuse(res, 400, users);
    for (const old of ws.users.values())
      if (!users.has(old.email)) store.ensure(old.email).state = 'deleted';
    ws.users = users;
    for (const user of users.values())
      store.ensure(user.email).state = user.suspended ? 'suspended' : 'ok';
    res.json({ domain: ws.domain, users: users.size });
  });

  return router;
}
