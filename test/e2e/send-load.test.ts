// The web process as the Dockerfile runs it (a 256 MB heap), under sends of the largest size the
// contract accepts: it stays up and answering, refusing what it cannot hold with 429 or 413.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { crmToken } from '../support/crm-token.ts';
import { type ServiceProcess, startService } from '../support/service-process.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const user = { sub: 'u-load', org: 'org-load' };
const OWNER = 'load@vendor.test';
/** Just under the contract's 25 MB of attachments: about 35 MB of JSON once base64-encoded. */
const MAX_ATTACHMENT = Buffer.alloc(25 * 1024 * 1024 - 4096, 0x5a);

describe('the web process under maximum-size sends', () => {
  let sim: Simulator;
  let database: TestDatabase;
  let service: ServiceProcess;
  let bearer: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    database = await createTestDatabase();
    service = await startService({
      role: 'web',
      env: {
        DATABASE_URL: database.url,
        GOOGLE_EMULATOR_HOST: sim.hostPort,
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
        NODE_OPTIONS: '--max-old-space-size=256',
      },
    });
    bearer = `Bearer ${await crmToken(user, { expiresIn: '1h' })}`;
    const connect = await fetch(
      `${service.url}/integrations/gmail/connect?login_hint=${encodeURIComponent(OWNER)}`,
      { headers: { authorization: bearer } },
    );
    const { auth_url } = (await connect.json()) as { auth_url: string };
    const consent = await fetch(auth_url, { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location') ?? '', { redirect: 'manual' });
    expect(callback.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await sim?.close();
    await database?.drop();
  });

  const sendBody = (attachment?: Buffer) =>
    JSON.stringify({
      to: ['client@customer.test'],
      subject: 'Proposal',
      text: 'The proposal is attached.',
      ...(attachment
        ? {
            attachments: [
              {
                filename: 'proposal.pdf',
                content_type: 'application/pdf',
                content_base64: attachment.toString('base64'),
              },
            ],
          }
        : {}),
    });

  /**
   * Each send on a connection of its own (node:http, no agent): a pooled connection left idle by
   * an earlier request can be closed by the server's keep-alive timeout just as it is reused, a
   * client-side race that has nothing to do with what is tested here.
   */
  const send = (key: string, body: string) =>
    new Promise<{ status: number; retryAfter: string | null; body: string }>((resolve) => {
      const req = request(
        `${service.url}/integrations/gmail/send`,
        {
          method: 'POST',
          agent: false,
          headers: {
            authorization: bearer,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'idempotency-key': key,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: res.headers['retry-after'] ?? null,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', (error) => resolve({ status: 0, retryAfter: null, body: String(error) }));
      req.end(body);
    });

  /** `/healthz`'s status, on a connection of its own for the same reason as `send`. */
  const healthz = () =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${service.url}/healthz`, { agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });

  it('when 16 maximum-size sends arrive at once, then the process stays up, answers /healthz, refuses the excess with 429 and still sends afterwards', async () => {
    const health: number[] = [];
    // One body for all: the Idempotency-Key, a header, tells the sends apart.
    const largest = sendBody(MAX_ATTACHMENT);
    const sends = Promise.all(Array.from({ length: 16 }, (_, i) => send(`max-${i}`, largest)));
    // Liveness is asked while the sends are in flight, as an orchestrator would.
    const probing = (async () => {
      for (let i = 0; i < 5; i++) health.push(await healthz());
    })();
    const [answers] = await Promise.all([sends, probing]);
    expect(service.child.exitCode).toBeNull();
    expect(health).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => ![201, 413, 429].includes(a.status))).toEqual([]);
    expect(answers.some((a) => a.status === 201)).toBe(true);
    for (const refused of answers.filter((a) => a.status === 429)) {
      expect(JSON.parse(refused.body).error.code).toBe('rate_limited');
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
    expect((await send('after-the-burst', sendBody())).status).toBe(201);
    expect(await healthz()).toBe(200);
  }, 300_000);
});
