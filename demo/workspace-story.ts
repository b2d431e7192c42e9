// The demo's Workspace section: the org's admin connects the whole acme.test Workspace through
// domain-wide delegation (the admin authorised our service account in the simulated Admin console;
// nobody sees a consent screen), and a colleague's mail is logged at once.
import type pg from 'pg';
import { deliverToSimulator, plainMail } from '../src/cli/try-mailbox.ts';
import { DEV_JWT_SECRET } from '../src/config.ts';
import { mintDevToken } from '../src/http/dev-token.ts';

export const DEMO_SERVICE_ACCOUNT = 'gmail-sync@acme-crm.iam.gserviceaccount.com';
const SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send',
  // Asked as a user's consent asks it, with SYNC_CALENDAR on (the default).
  'https://www.googleapis.com/auth/calendar.events.readonly',
];

export async function runWorkspaceStory(
  ctx: { url: string; simUrl: string; pool: pg.Pool; org: string },
  say: (line?: string) => void,
): Promise<void> {
  const admin = await mintDevToken(DEV_JWT_SECRET, { sub: 'it-admin', org: ctx.org, admin: true });
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${ctx.url}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    });

  say(
    '\n7. The whole team at once: the admin connects the acme.test Workspace (no consent screens):',
  );
  const users = ['it@acme.test', 'joao.sales@acme.test', 'bia.sales@acme.test', 'sales@acme.test'];
  await fetch(`${ctx.simUrl}/__sim/workspaces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      domain: 'acme.test',
      users: [
        ...users.map((email, i) => ({ email, ...(i === 0 ? { is_admin: true } : {}) })),
        { email: 'rita.sales@acme.test' },
        { email: 'former@acme.test', suspended: true },
      ],
      delegation: { [DEMO_SERVICE_ACCOUNT]: SCOPES },
    }),
  });
  const t0 = Date.now();
  const put = await api('/org/workspace', {
    method: 'PUT',
    body: JSON.stringify({ domain: 'acme.test', admin_email: 'it@acme.test', users: 'all' }),
  });
  say(`   PUT /org/workspace: ${put.status}`);
  const ws = await until(async () => {
    const view = (await (await api('/org/workspace')).json()) as {
      state: string;
      users: Record<string, number>;
      checked_at: string | null;
    };
    return view.checked_at ? view : undefined;
  });
  say(
    `   checked in ${Date.now() - t0} ms: ${ws?.state}, ${JSON.stringify(ws?.users)} (Rita's own mailbox stays hers; a suspended user is left out)`,
  );
  const { items } = (await (await api('/org/mailboxes')).json()) as {
    items: { address: string; connected_via: string; owner: { type: string; user_id: string } }[];
  };
  for (const m of items)
    say(`     - ${m.address}: ${m.connected_via}, owned by ${m.owner.user_id ?? 'the org'}`);

  const raw = plainMail({
    from: 'Carla Client <carla@client.test>',
    to: 'João <joao.sales@acme.test>',
    subject: 'Question for João',
    text: 'Hi João, a quick question about the renewal.',
  });
  const t1 = Date.now();
  const { id } = await deliverToSimulator(ctx.simUrl, 'joao.sales@acme.test', raw);
  const logged = await until(async () => {
    const { rows } = await ctx.pool.query('select 1 from activities where gmail_message_id = $1', [
      id,
    ]);
    return rows.length > 0 || undefined;
  });
  say(
    `   "Question for João" from Carla: ${logged ? `logged in ${Date.now() - t1} ms` : 'not logged'} (João never connected anything)`,
  );
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
