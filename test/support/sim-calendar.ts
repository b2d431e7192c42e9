// Google's own Calendar client for a simulated user, authorised through the simulator's OAuth, and
// a receiver for the channel notifications the simulator POSTs: for tests of the simulator itself.
import express from 'express';
import { type calendar_v3, google } from 'googleapis';
import type { Simulator } from '../../sim/index.ts';
import { listen, type RunningServer } from './http-server.ts';
import { consent, control, simOAuthClient } from './sim-gmail.ts';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events.readonly';

export async function calendarFor(
  sim: Simulator,
  email: string,
  scopes = [CALENDAR_SCOPE],
): Promise<calendar_v3.Calendar> {
  await control(sim, 'POST', 'mailboxes', { email });
  const auth = simOAuthClient(sim);
  const { code, verifier } = await consent(auth, email, scopes);
  const { tokens } = await auth.getToken({ code, codeVerifier: verifier });
  auth.setCredentials(tokens);
  return google.calendar({ version: 'v3', auth, rootUrl: `${sim.baseUrl}/`, retry: false });
}

/** Creates an event on `email`'s calendar through the control API; returns its id. */
export async function createEvent(sim: Simulator, email: string, body: Record<string, unknown>) {
  const made = (await control(
    sim,
    'POST',
    `mailboxes/${encodeURIComponent(email)}/calendar/events`,
    body,
  )) as {
    id: string;
  };
  return made.id;
}

export interface Notification {
  headers: Record<string, string>;
  body: string;
}

/** An HTTP server that records each notification and answers `status()` (200 by default). */
export async function notificationReceiver(
  status: () => number = () => 200,
): Promise<RunningServer & { received: Notification[] }> {
  const received: Notification[] = [];
  const app = express();
  app.post('/hook', express.text({ type: () => true }), (req, res) => {
    received.push({ headers: req.headers as Record<string, string>, body: String(req.body ?? '') });
    res.status(status()).end();
  });
  const server = await listen(app);
  return { ...server, url: `${server.url}/hook`, received };
}

/** The status and Google's first error reason of a rejected googleapis call (200 when it passed). */
export async function googleError(
  p: Promise<unknown>,
): Promise<{ status: number; reason?: string; domain?: string; message?: string }> {
  return p.then(
    () => ({ status: 200 }),
    (e: {
      status?: number;
      response?: {
        status?: number;
        data?: { error?: { message?: string; errors?: { reason?: string; domain?: string }[] } };
      };
    }) => {
      const error = e.response?.data?.error;
      return {
        status: e.status ?? e.response?.status ?? 0,
        reason: error?.errors?.[0]?.reason,
        domain: error?.errors?.[0]?.domain,
        message: error?.message,
      };
    },
  );
}
