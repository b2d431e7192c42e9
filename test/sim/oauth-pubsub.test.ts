import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { consent, gmailFor, simOAuthClient } from '../support/sim-gmail.ts';
import { waitFor } from '../support/wait-for.ts';

describe('the simulated OAuth 2.0 and OIDC', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it("when the code is exchanged with the right verifier, then tokens look like Google's and refresh works", async () => {
    const client = simOAuthClient(sim);
    const { code, verifier } = await consent(client, 'a@sim.test');
    const { tokens } = await client.getToken({ code, codeVerifier: verifier });
    expect(tokens.access_token).toMatch(/^ya29\./);
    expect(tokens.refresh_token).toMatch(/^1\/\//);
    expect(tokens.scope?.split(' ')).toHaveLength(2);
    client.setCredentials({ refresh_token: tokens.refresh_token });
    const refreshed = await client.refreshAccessToken();
    expect(refreshed.credentials.access_token).toMatch(/^ya29\./);
    expect(refreshed.credentials.access_token).not.toBe(tokens.access_token);
  });

  it('when the verifier is wrong, the code reused or the redirect differs, then the exchange is refused', async () => {
    const client = simOAuthClient(sim);
    const first = await consent(client, 'b@sim.test');
    await expect(
      client.getToken({
        code: first.code,
        codeVerifier: 'wrong-verifier-wrong-verifier-wrong-verifier',
      }),
    ).rejects.toThrow(/invalid_grant/);
    const second = await consent(client, 'b@sim.test');
    await client.getToken({ code: second.code, codeVerifier: second.verifier });
    await expect(
      client.getToken({ code: second.code, codeVerifier: second.verifier }),
    ).rejects.toThrow(/invalid_grant/);
    const third = await consent(client, 'b@sim.test');
    const other = simOAuthClient(sim, 'http://127.0.0.1:2/elsewhere');
    await expect(
      other.getToken({ code: third.code, codeVerifier: third.verifier }),
    ).rejects.toThrow(/redirect_uri_mismatch/);
  });

  it('when the grant is revoked, then refresh answers invalid_grant', async () => {
    const { auth } = await gmailFor(sim, 'c@sim.test');
    await fetch(`${sim.baseUrl}/__sim/mailboxes/c@sim.test/revoke`, { method: 'POST' });
    await expect(auth.refreshAccessToken()).rejects.toThrow(/invalid_grant/);
  });

  it('when a push token is minted, then verifyIdToken accepts it for its audience only, and not once expired', async () => {
    const mint = async (body: unknown) =>
      (
        (await (
          await fetch(`${sim.baseUrl}/__sim/oidc-token`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          })
        ).json()) as { token: string }
      ).token;
    const client = simOAuthClient(sim);
    const ticket = await client.verifyIdToken({
      idToken: await mint({ aud: 'https://svc/pubsub/gmail' }),
      audience: 'https://svc/pubsub/gmail',
    });
    expect(ticket.getPayload()).toMatchObject({
      iss: 'https://accounts.google.com',
      email: 'gmail-push@sim.iam.gserviceaccount.com',
      email_verified: true,
    });
    await expect(
      client.verifyIdToken({
        idToken: await mint({ aud: 'https://svc/pubsub/gmail' }),
        audience: 'https://other',
      }),
    ).rejects.toThrow();
    await expect(
      client.verifyIdToken({
        idToken: await mint({ aud: 'https://svc', exp_s: -3600 }),
        audience: 'https://svc',
      }),
    ).rejects.toThrow();
  });
});

describe('the simulated Pub/Sub, through @google-cloud/pubsub', () => {
  let sim: Simulator;
  let pubsub: PubSub;
  let receiver: Server;
  let receiverUrl: string;
  const received: { auth: string; body: { message: { data: string } } }[] = [];
  let failFirst = 2;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    pubsub = new PubSub({ projectId: 'sim', apiEndpoint: sim.hostPort, emulatorMode: true });
    receiver = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        if (failFirst-- > 0) {
          res.writeHead(503).end();
          return;
        }
        received.push({ auth: req.headers.authorization ?? '', body: JSON.parse(data) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/push`;
  });
  afterAll(async () => {
    await pubsub.close();
    receiver.close();
    await sim.close();
  });

  it('when a Gmail watch publishes, then a push subscription POSTs it with an OIDC token and retries until a 2xx', async () => {
    const [topic] = await pubsub.createTopic('gmail');
    await topic.iam.setPolicy({
      bindings: [
        {
          role: 'roles/pubsub.publisher',
          members: ['serviceAccount:gmail-api-push@system.gserviceaccount.com'],
        },
      ],
    });
    await topic.createSubscription('push', {
      pushConfig: {
        pushEndpoint: receiverUrl,
        oidcToken: {
          serviceAccountEmail: 'gmail-push@sim.iam.gserviceaccount.com',
          audience: 'aud-1',
        },
      },
      retryPolicy: { minimumBackoff: { seconds: 0 }, maximumBackoff: { seconds: 1 } },
    });
    const { gmail } = await gmailFor(sim, 'w@sim.test');
    await gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: 'projects/sim/topics/gmail' },
    });
    await fetch(`${sim.baseUrl}/__sim/mailboxes/w@sim.test/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: 'Subject: x\r\n\r\ny' }),
    });
    const first = await waitFor(async () => received[0], { what: 'the push' });
    expect(
      JSON.parse(Buffer.from(first?.body.message.data ?? '', 'base64').toString()),
    ).toMatchObject({ emailAddress: 'w@sim.test', historyId: expect.any(String) });
    const ticket = await simOAuthClient(sim).verifyIdToken({
      idToken: first?.auth.replace('Bearer ', '') ?? '',
      audience: 'aud-1',
    });
    expect(ticket.getPayload()?.email).toBe('gmail-push@sim.iam.gserviceaccount.com');
    const stats = (await (await fetch(`${sim.baseUrl}/__sim/stats`)).json()) as {
      pushes: { sent: number; acked: number };
    };
    expect(stats.pushes.sent).toBeGreaterThanOrEqual(3);
    expect(stats.pushes.acked).toBe(1);
  });

  it('when a topic is outside the project, then watch is refused as Gmail refuses it', async () => {
    const { gmail } = await gmailFor(sim, 'x@sim.test');
    const err = await gmail.users
      .watch({ userId: 'me', requestBody: { topicName: 'projects/other/topics/gmail' } })
      .catch((e: { status?: number; message?: string }) => e);
    expect(err).toMatchObject({
      status: 400,
      message: 'Invalid topicName does not match projects/sim/topics/*',
    });
  });

  it('when a pull subscriber listens, then it receives what is published and its ack removes it', async () => {
    const [topic] = await pubsub.createTopic('pulled');
    const [sub] = await topic.createSubscription('pulled-sub');
    const got = new Promise<string>((resolve) => {
      sub.on('message', (m) => {
        m.ack();
        resolve(m.data.toString());
      });
    });
    await topic.publishMessage({ data: Buffer.from('{"hello":1}') });
    expect(await got).toBe('{"hello":1}');
    await sub.close();
  });

  it('when set-up calls repeat, then ALREADY_EXISTS comes back as Google answers it', async () => {
    await expect(pubsub.createTopic('gmail')).rejects.toMatchObject({ code: 6 });
    const [policy] = await pubsub.topic('gmail').iam.setPolicy({
      bindings: [
        {
          role: 'roles/pubsub.publisher',
          members: ['serviceAccount:gmail-api-push@system.gserviceaccount.com'],
        },
      ],
    });
    expect(policy.bindings?.[0]?.members).toEqual([
      'serviceAccount:gmail-api-push@system.gserviceaccount.com',
    ]);
  });
});

describe('the simulated push window', () => {
  let sim: Simulator;
  let pubsub: PubSub;
  let receiver: Server;
  let outstanding = 0;
  const seen: number[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    pubsub = new PubSub({ projectId: 'sim', apiEndpoint: sim.hostPort, emulatorMode: true });
    receiver = createServer((req, res) => {
      outstanding += 1;
      seen.push(outstanding);
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          outstanding -= 1;
          res.writeHead(204).end();
        }, 10),
      );
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    await pubsub.close();
    receiver.close();
    await sim.close();
  });

  it('when a held backlog is released, then it arrives few at a time at first and faster as pushes succeed', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/push`;
    const [topic] = await pubsub.createTopic('backlog');
    await topic.createSubscription('backlog-push', { pushConfig: { pushEndpoint: url } });
    const faults = (body: unknown) =>
      fetch(`${sim.baseUrl}/__sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // A pull subscriber beside it: the delivery rounds that hand it the backlog pass the held
    // push subscription by, so once it has everything the push had every chance to go.
    const [marker] = await topic.createSubscription('backlog-pulled');
    let pulled = 0;
    marker.on('message', (message) => {
      pulled += 1;
      message.ack();
    });
    await faults({ push: { hold: true } });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => topic.publishMessage({ data: Buffer.from(`${i}`) })),
    );
    await waitFor(async () => pulled >= 300, { what: 'the backlog pulled beside the push' });
    await marker.close();
    expect(seen).toHaveLength(0);

    await faults({ push: { hold: false } });
    await waitFor(async () => seen.length >= 300, { what: 'the backlog pushed' });
    expect(seen).toHaveLength(300);
    expect(Math.max(...seen.slice(0, 4))).toBeLessThanOrEqual(4);
    expect(Math.max(...seen)).toBeGreaterThan(20);
  });
});
