// The pages this service renders itself send a strict Content-Security-Policy, and still work
// under it in a real browser (their own inline script and style are allowed by hash).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('Content-Security-Policy of our own pages', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('when /docs is served, then its policy allows nothing but its own script and style', async () => {
    const res = await fetch(`${server.url}/docs`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
  });

  it.skipIf(!existsSync(CHROMIUM))(
    'when /docs is opened in Chromium, then it renders under its policy and nothing is blocked',
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage();
        const violations: string[] = [];
        page.on('console', (m) => {
          if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
        });
        await page.goto(`${server.url}/docs`);
        await page.locator('section.op').first().waitFor();
        const header = await page.evaluate(
          `getComputedStyle(document.querySelector('header')).backgroundColor`,
        );
        expect(header).toBe('rgb(29, 35, 48)');
        expect(violations).toEqual([]);
        // An injected inline script is refused.
        const ran = await page.evaluate(`(() => {
          const s = document.createElement('script');
          s.textContent = 'window.__injected = true';
          document.body.append(s);
          return window.__injected === true;
        })()`);
        expect(ran).toBe(false);
      } finally {
        await browser.close();
      }
    },
  );
});
