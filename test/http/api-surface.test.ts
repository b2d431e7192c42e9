import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const PUBLIC = [
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/docs',
  '/integrations/gmail/callback',
  '/pubsub/gmail',
  '/google/calendar/notifications',
  '/',
  '/dev/sign-in',
  '/u/:token',
];

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method and path registered on the express app, by walking its router stack. */
function routesOf(app: Express): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          out.push({ method, path: layer.route.path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

describe('the API surface', () => {
  let database: TestDatabase;
  let app: Express;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = createApp(makeTestDeps(database));
    server = await listen(app);
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  it('when a route is not public, then it refuses a request without a CRM token', async () => {
    const routes = routesOf(app).filter((r) => !PUBLIC.includes(r.path));
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const { method, path } of routes) {
      const res = await fetch(`${server.url}${path}`, { method: method.toUpperCase() });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('when the OpenAPI document is read, then every registered route is in it', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const { method, path } of routesOf(app)) {
      // express writes `/activities/:id` where OpenAPI writes `/activities/{id}`.
      const documented = path.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[documented]?.[method], `${method} ${path}`).toBeDefined();
    }
    const send = doc.paths['/integrations/gmail/send']?.post as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    };
    expect(
      Object.keys(send.requestBody.content['application/json']?.schema.properties ?? {}),
    ).toContain('reply_to_message_id');
  });

  it('when /docs is opened, then it is a page that renders the document', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('/docs/assets/swagger-ui-bundle.js');
  });

  it('when /metrics is scraped, then Prometheus text with our series comes back', async () => {
    const res = await fetch(`${server.url}/metrics`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain('gmail_sync_queue_depth');
    expect(text).toContain('# TYPE gmail_sync_mailbox_lag_seconds histogram');
    expect(text).toContain('gmail_sync_mailboxes');
    expect(text).toContain('process_cpu_seconds_total');
  });
});
