// A newcomer's first minutes, from the start-up log alone: the service started as `npm start` does
// (simulator in-process), the log's try-it command run as printed, the sign-in and admin page opened
// in a browser, and the API reference rendered with "try it out" answering.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from '../support/browser.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { waitFor } from '../support/wait-for.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface LogLine {
  level?: number;
  msg?: string;
}

/** Every line the process wrote; a line that is not JSON is kept as text (a stray warning). */
function logLines(output: string): (LogLine | string)[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine;
      } catch {
        return line;
      }
    });
}

describe.skipIf(!hasChromium)("a newcomer's first minutes", () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let browser: Browser;
  let tryIt: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    // As `npm start` runs it: no Google credentials, no CRM secret, logs as JSON (not a terminal).
    service = await startService({ env: { DATABASE_URL: database.url } });
    tryIt = await waitFor(
      async () =>
        logLines(service.output())
          .map((l) => (typeof l === 'string' ? '' : (l.msg ?? '')))
          .find((msg) => msg.startsWith('try it:')),
      { what: 'the try-it block' },
    );
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await database?.drop();
  });

  it('when the service has started, then no warning was printed and the try-it block comes once it listens', () => {
    const lines = logLines(service.output());
    const stray = lines.filter((l) => typeof l === 'string' || (l.level ?? 0) >= 40);
    expect(stray).toEqual([]);
    const msgs = lines.map((l) => (typeof l === 'string' ? l : l.msg));
    expect(msgs.indexOf(tryIt)).toBeGreaterThan(msgs.indexOf('listening'));
  });

  it('when the try-it command is run and the admin signs in, then the page shows the mailbox and its activity', async () => {
    const command = /npx gmail-sync try-mailbox[^\n]*/.exec(tryIt)?.[0];
    expect(command).toBeDefined();
    const { stdout } = await promisify(execFile)('sh', ['-c', command ?? 'false'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    });
    expect(stdout).toContain('synced: it is on the admin page');

    const signIn = /(http\S+\/dev\/sign-in)/.exec(tryIt)?.[1] ?? '';
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    await page.goto(signIn);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/admin$/);
    await expect.poll(() => page.locator('tbody').textContent()).toContain('newcomer@example.test');
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toContain(
      '(1 in all)',
    );
    const [session] = await context.cookies();
    expect(session).toMatchObject({ name: 'gs_session', httpOnly: true, sameSite: 'Strict' });
    await context.close();
  }, 60_000);

  it('when /docs is opened, then the reference renders and "try it out" reaches the service', async () => {
    const docs = /(http\S+\/docs)\b/.exec(tryIt)?.[1] ?? '';
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(docs);
    const healthz = page.locator('.opblock-summary-path', { hasText: /^\/healthz$/ });
    await healthz.click();
    await page.getByRole('button', { name: 'Try it out' }).click();
    await page.getByRole('button', { name: 'Execute' }).click();
    await expect
      .poll(() =>
        page.locator('.live-responses-table tbody .response-col_status').first().textContent(),
      )
      .toContain('200');
    await expect(
      page.locator('.opblock-summary-path', { hasText: '/integrations/gmail/connect' }).count(),
    ).resolves.toBeGreaterThan(0);
    // Operations are grouped under headings of their kind, none under Swagger's "default".
    const headings = (
      await page.locator('.opblock-tag-section h3 .nostyle span').allTextContents()
    ).map((h) => h.trim());
    expect(headings).toEqual(
      expect.arrayContaining(['connection', 'send', 'activities', 'health']),
    );
    expect(headings).not.toContain('default');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
