// A simulated mailbox walked through the service's real routes, as a CRM and a person would: the
// connect route's consent URL, the simulator's consent screen redirecting to our callback, then a
// mail delivered through the simulator's control API (Gmail → Pub/Sub push → sync).
// `gmail-sync try-mailbox` and `npm run demo` both use it.

/** Connects `email` for the token's user; the callback's answer, and where the simulator is. */
export async function connectThroughConsent(
  serviceUrl: string,
  token: string,
  email: string,
): Promise<{ callback: Response; simulatorUrl: string }> {
  const res = await fetch(
    `${serviceUrl}/integrations/gmail/connect?login_hint=${encodeURIComponent(email)}`,
    { headers: { authorization: `Bearer ${token}` } },
  );
  if (!res.ok) throw new Error(`connect answered ${res.status}: ${await res.text()}`);
  const { auth_url } = (await res.json()) as { auth_url: string };
  // The consent screen is the simulator's: the user "accepts" and it redirects to our callback.
  const consent = await fetch(auth_url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location) throw new Error(`consent did not redirect: ${consent.status}`);
  const callback = await fetch(location, { redirect: 'manual' });
  return { callback, simulatorUrl: new URL(auth_url).origin };
}

/** A mail arriving in the simulated mailbox's INBOX (or with the labels given). */
export async function deliverToSimulator(
  simulatorUrl: string,
  email: string,
  raw: string,
  labelIds?: string[],
): Promise<{ id: string; threadId: string }> {
  const res = await fetch(`${simulatorUrl}/__sim/mailboxes/${encodeURIComponent(email)}/deliver`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ raw, ...(labelIds ? { labelIds } : {}) }),
  });
  if (!res.ok) throw new Error(`deliver answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { id: string; threadId: string };
}

export function plainMail(m: { from: string; to: string; subject: string; text: string }): string {
  return [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@try.gmail-sync.test>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.text,
  ].join('\r\n');
}

interface MailboxStatus {
  status?: string;
  last_sync_at?: string | null;
}

/** Polls the caller's mailbox status (a bounded while) until `done` says so; false on timeout. */
export async function waitForStatus(
  serviceUrl: string,
  token: string,
  done: (status: MailboxStatus) => boolean,
  timeoutMs = 20_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${serviceUrl}/integrations/gmail/status`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.ok && done((await res.json()) as MailboxStatus)) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

/** Polls the thread's activities (a bounded while) until the delivered mail is logged. */
export async function waitForThreadLogged(
  serviceUrl: string,
  token: string,
  threadId: string,
  timeoutMs = 30_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${serviceUrl}/threads/${encodeURIComponent(threadId)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.ok && ((await res.json()) as { items: unknown[] }).items.length > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
