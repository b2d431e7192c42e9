import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForSyncs } from '../../src/ingest/operator-sync.ts';
import { hasChromium, launchBrowser } from '../support/browser.ts';
import { addContact } from '../support/crm-seed.ts';
import { crmToken } from '../support/crm-token.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-admin';

describe('the admin page', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Client', 'client@customer.test');
    expect((await e2e.connect({ sub: 'u-admin-1', org: ORG }, 'seller1@vendor.test')).status).toBe(
      200,
    );
    expect((await e2e.connect({ sub: 'u-admin-2', org: ORG }, 'seller2@vendor.test')).status).toBe(
      200,
    );
    for (let i = 0; i < 3; i++)
      await e2e.deliver(
        'seller1@vendor.test',
        rawMail({ from: 'client@customer.test', to: 'seller1@vendor.test' }),
      );
    await waitFor(
      async () =>
        (await e2e.database.pool.query('select count(*)::int as n from activities')).rows[0].n ===
        3,
    );
    await waitForSyncs(e2e.deps.database, () => {});
    await e2e.database.pool.query(
      `update mailboxes set status = 'error', last_error = 'watch renewal failed: backendError' where email = 'seller2@vendor.test'`,
    );
    await e2e.api('/integrations/gmail/settings', {
      user: { sub: 'u-admin-2', org: ORG },
      method: 'PUT',
      body: JSON.stringify({ visibility: 'subject' }),
    });
  });
  afterAll(async () => {
    await e2e.close();
  });

  it('when the caller is not an admin, then 403; without a token, an API client gets 401', async () => {
    expect((await e2e.api('/admin')).status).toBe(401);
    const res = await e2e.api('/admin', { user: { sub: 'u-admin-1', org: ORG } });
    expect(res.status).toBe(403);
  });

  it("when an admin opens it, then it lists the org's mailboxes and charts the activities", async () => {
    const token = await crmToken({ sub: 'boss', org: ORG, admin: true });
    const res = await fetch(`${e2e.url}/admin`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('seller1@vendor.test');
    expect(html).toContain('watch renewal failed: backendError');
    expect(html).toContain('(3 in all)');
    expect(html.match(/<rect class="bar"/g)).toHaveLength(60);
  });

  it.skipIf(!hasChromium)(
    'when rendered in headless Chromium, then the table and the chart are on screen',
    async () => {
      const token = await crmToken({ sub: 'boss', org: ORG, admin: true });
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({
          extraHTTPHeaders: { authorization: `Bearer ${token}` },
          viewport: { width: 1400, height: 700 },
        });
        await page.goto(`${e2e.url}/admin`);
        expect(await page.locator('tbody tr').count()).toBe(2);
        // What each mailbox's activities keep (issue 16's visibility), one cell a row.
        expect(await page.locator('td.kept').allTextContents()).toEqual(['full', 'subject']);
        // Whether the poll trusts each mailbox's pushes: seller1 has had pushes, seller2 is in error.
        expect(await page.locator('span.pushes').allTextContents()).toEqual([
          'trusted',
          'not yet trusted',
        ]);
        // The chart spans its section (it once filled half of it on a wide screen).
        const chartBox = await page.locator('svg').boundingBox();
        const sectionBox = await page
          .locator('section', { has: page.locator('svg') })
          .boundingBox();
        expect(chartBox?.width ?? 0).toBeGreaterThan(0.9 * (sectionBox?.width ?? Infinity));
        const lastBar = await page.locator('rect.bar').last().boundingBox();
        expect((lastBar?.x ?? 0) + (lastBar?.width ?? 0)).toBeGreaterThan(
          (chartBox?.x ?? 0) + 0.97 * (chartBox?.width ?? 0),
        );
        const tallest = await page
          .locator('rect.bar')
          .evaluateAll((bars) => Math.max(...bars.map((b) => Number(b.getAttribute('height')))));
        expect(tallest).toBeGreaterThan(100);
        const file = path.join(await mkdtemp(path.join(tmpdir(), 'admin-')), 'admin.png');
        const png = await page.screenshot({ path: file, fullPage: true });
        expect(png.subarray(1, 4).toString()).toBe('PNG');
        expect(png.length).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    },
  );
});
