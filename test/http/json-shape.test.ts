// Issue 27 #3: a JSON body is bounded in shape (depth, array items, values) while it streams,
// before JSON.parse makes objects of it: 41.9 MB of `{"cc":[{},{},…]}` under the 40 MiB byte limit
// ran a 256 MB heap out of memory in 3.5 s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { DEFAULT_JSON_SHAPE, JsonShapeScanner } from '../../src/http/json-shape.ts';
import { crmToken } from '../support/crm-token.ts';
import { listen, type RunningServer } from '../support/http-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { makeTestDeps } from '../support/test-deps.ts';

const ORG = 'org-shape';
const scan = (text: string, chunk = 7) => {
  const scanner = new JsonShapeScanner({ maxDepth: 4, maxArrayItems: 3, maxValues: 20 });
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) {
    const broken = scanner.feed(bytes.subarray(i, i + chunk));
    if (broken) return broken;
  }
  return undefined;
};

describe('the shape of a JSON body, read as it streams', () => {
  it('when a body stays within every bound, then nothing is said, however it is cut into chunks', () => {
    const body = '{"to":["a@x.test","b@x.test"],"subject":"[{,:}]\\"\\\\","n":-1.5e3,"ok":true}';
    for (const chunk of [1, 2, 5, 100]) expect(scan(body, chunk)).toBeUndefined();
    expect(JSON.parse(body).subject).toBe('[{,:}]"\\');
  });

  it('when an array holds one item too many, then that is the bound named', () => {
    expect(scan('{"cc":[{},{},{}]}')).toBeUndefined();
    expect(scan('{"cc":[{},{},{},{}]}')).toBe('an array holds more than 3 items');
    expect(scan('[1,2,3,4]')).toBe('an array holds more than 3 items');
  });

  it('when objects nest one level too deep, then that is the bound named', () => {
    expect(scan('{"a":{"b":{"c":[1]}}}')).toBeUndefined();
    expect(scan('{"a":{"b":{"c":[[1]]}}}')).toBe('nested deeper than 4 levels');
  });

  it('when keys and values add up past the total, then that is the bound named', () => {
    const keys = Array.from({ length: 10 }, (_, i) => `"k${i}":${i}`).join(',');
    expect(scan(`{${keys}}`)).toBe('more than 20 values in all');
  });

  it('when brackets hide inside strings, then they are not counted', () => {
    expect(scan(`["${'[{'.repeat(50)}","x"]`)).toBeUndefined();
  });
});

describe('hostile JSON bodies over HTTP', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    server = await listen(createApp(makeTestDeps(database)));
    await database.pool.query(
      `insert into mailboxes (org_id, user_id, email, status, scopes) values ($1, 'u-sender', 'sender@vendor.test', 'active', $2)`,
      [ORG, ['https://www.googleapis.com/auth/gmail.send']],
    );
  });
  afterAll(async () => {
    await server.close();
    await database.drop();
  });

  const post = async (path: string, body: string | Uint8Array) => {
    const res = await fetch(`${server.url}${path}`, {
      method: path.endsWith('send') ? 'POST' : 'PUT',
      headers: {
        authorization: `Bearer ${await crmToken({ sub: 'u-sender', org: ORG })}`,
        'content-type': 'application/json',
        'idempotency-key': `k-${Math.random()}`,
      },
      body,
    });
    return {
      status: res.status,
      error: ((await res.json()) as { error?: { code: string; message: string } }).error,
    };
  };

  it('when /send carries 41.9 MB of {"cc":[{},{},…]}, then 413 naming the array bound, and the process lives on', async () => {
    const items = 13_960_000;
    const body = Buffer.alloc(8 + items * 3);
    body.write('{"cc":[', 0);
    for (let i = 0; i < items; i++) body.write(i === items - 1 ? '{}]' : '{},', 7 + i * 3);
    body.write('}', 7 + items * 3);
    expect(body.length).toBeGreaterThan(41_800_000);
    const answer = await post('/integrations/gmail/send', body);
    expect(answer.status).toBe(413);
    expect(answer.error?.message).toContain(`more than ${DEFAULT_JSON_SHAPE.maxArrayItems} items`);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('when a small route gets JSON nested 20,000 deep, then 413 before it is parsed', async () => {
    const answer = await post('/integrations/gmail/settings', '['.repeat(20_000));
    expect([answer.status, answer.error?.code]).toEqual([413, 'payload_too_large']);
  });
});
