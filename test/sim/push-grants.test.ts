import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PubSub, type Topic } from '@google-cloud/pubsub';
import { google } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { control, deliver, failure, faults, gmailFor } from '../support/sim-gmail.ts';
import { waitFor } from '../support/wait-for.ts';

const GMAIL_PUSH = 'serviceAccount:gmail-api-push@system.gserviceaccount.com';

interface Received {
  path: string;
  attempt: number;
  historyId: string;
}

describe('the simulated watch and push, with Google’s grants and limits', () => {
  let sim: Simulator;
  let pubsub: PubSub;
  let receiver: Server;
  let base: string;
  const received: Received[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    pubsub = new PubSub({ projectId: 'sim', apiEndpoint: sim.hostPort, emulatorMode: true });
    receiver = createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        const body = JSON.parse(data) as { message: { data: string }; deliveryAttempt: number };
        const { historyId } = JSON.parse(Buffer.from(body.message.data, 'base64').toString()) as {
          historyId: string;
        };
        received.push({ path: req.url ?? '', attempt: body.deliveryAttempt, historyId });
        res.writeHead(req.url === '/failing' ? 500 : 204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await pubsub.close();
    receiver.close();
    await sim.close();
  });
  const pushedTo = (path: string) => received.filter((r) => r.path === path).length;
  const grant = (topic: Topic, role: string, member: string) =>
    topic.iam.setPolicy({ bindings: [{ role, members: [member] }] });
  const pushTopic = async (name: string, path: string) => {
    const [topic] = await pubsub.createTopic(name);
    await grant(topic, 'roles/pubsub.publisher', GMAIL_PUSH);
    await topic.createSubscription(`${name}-push`, {
      pushConfig: { pushEndpoint: `${base}${path}` },
    });
    return topic;
  };

  it('when the topic does not grant Gmail publisher, then watch answers 403 in Gmail’s words; with the grant it watches', async () => {
    const { gmail } = await gmailFor(sim, 'grant@sim.test');
    const [topic] = await pubsub.createTopic('ungranted');
    const watch = (topicName: string) =>
      gmail.users.watch({ userId: 'me', requestBody: { topicName } });
    expect(await failure(watch('projects/sim/topics/ungranted'))).toEqual({
      status: 403,
      message:
        'Error sending test message to Cloud PubSub projects/sim/topics/ungranted : User not authorized to perform this action.',
    });
    expect(await failure(watch('projects/sim/topics/missing'))).toMatchObject({ status: 404 });
    await grant(topic, 'roles/pubsub.publisher', GMAIL_PUSH);
    expect((await watch('projects/sim/topics/ungranted')).data.historyId).toBeTruthy();
  });

  it('when changes come faster than one a second, then one notification goes out and the rest are dropped; 0 lifts the limit', async () => {
    await pushTopic('rate', '/rate');
    const { gmail } = await gmailFor(sim, 'rate@sim.test');
    await gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: 'projects/sim/topics/rate' },
    });
    const before = ((await control(sim, 'GET', 'stats')) as { pushes: { dropped: number } }).pushes
      .dropped;
    await Promise.all(
      [1, 2, 3, 4].map((n) => deliver(sim, 'rate@sim.test', `Subject: r${n}\r\n\r\nx`)),
    );
    const stats = (await control(sim, 'GET', 'stats')) as { pushes: { dropped: number } };
    expect(stats.pushes.dropped - before).toBe(3);
    await waitFor(async () => pushedTo('/rate') >= 1, { what: 'the first push' });
    expect(pushedTo('/rate')).toBe(1);

    await faults(sim, { push: { per_user_per_sec: 0 } });
    await Promise.all(
      [5, 6, 7].map((n) => deliver(sim, 'rate@sim.test', `Subject: r${n}\r\n\r\nx`)),
    );
    await waitFor(async () => pushedTo('/rate') >= 4, { what: 'three more pushes' });
    expect(pushedTo('/rate')).toBe(4);
    await faults(sim, { push: { per_user_per_sec: 1 } });
  });

  it('when the watch is stopped, then a change right after still notifies, and the watch reads inactive', async () => {
    await pushTopic('stopped', '/stopped');
    const { gmail } = await gmailFor(sim, 'stop@sim.test');
    await gmail.users.watch({
      userId: 'me',
      requestBody: { topicName: 'projects/sim/topics/stopped' },
    });
    await gmail.users.stop({ userId: 'me' });
    expect(await control(sim, 'GET', 'mailboxes/stop@sim.test/watch')).toMatchObject({
      active: false,
    });
    const { historyId } = await deliver(sim, 'stop@sim.test', 'Subject: after stop\r\n\r\nx');
    const push = await waitFor(async () => received.find((r) => r.historyId === historyId), {
      what: 'the push after the stop',
    });
    expect(push.path).toBe('/stopped');
  });

  it('when the Pub/Sub service agent lacks its grants, then a failing push is redelivered past its attempts; with them it is dead-lettered', async () => {
    // Set-up learns the project number from Resource Manager, as against Google.
    const manager = google.cloudresourcemanager({ version: 'v3', rootUrl: `${sim.baseUrl}/` });
    const { data: project } = await manager.projects.get({ name: 'projects/sim' });
    expect(project.name).toMatch(/^projects\/\d{12}$/);
    const number = project.name?.split('/')[1];
    const agent = `serviceAccount:service-${number}@gcp-sa-pubsub.iam.gserviceaccount.com`;
    const [dead] = await pubsub.createTopic('dead');
    const [deadSub] = await dead.createSubscription('dead-pull');
    const failing = async (name: string) => {
      const [topic] = await pubsub.createTopic(name);
      const [sub] = await topic.createSubscription(`${name}-push`, {
        pushConfig: { pushEndpoint: `${base}/failing` },
        retryPolicy: { minimumBackoff: { seconds: 0 }, maximumBackoff: { seconds: 0 } },
        deadLetterPolicy: { deadLetterTopic: dead.name, maxDeliveryAttempts: 5 },
      });
      return { topic, sub };
    };
    const lacking = await failing('no-agent');
    const historyId = 'lacking';
    await lacking.topic.publishMessage({ json: { historyId } });
    const retried = await waitFor(
      async () => received.find((r) => r.historyId === historyId && r.attempt > 6),
      { what: 'a seventh attempt' },
    );
    expect(retried.path).toBe('/failing');

    const granted = await failing('with-agent');
    await grant(dead, 'roles/pubsub.publisher', agent);
    await granted.sub.iam.setPolicy({
      bindings: [{ role: 'roles/pubsub.subscriber', members: [agent] }],
    });
    const deadLettered = new Promise<string>((resolve) => {
      deadSub.on('message', (m) => {
        m.ack();
        const data = JSON.parse(m.data.toString()) as { historyId: string };
        if (data.historyId === 'granted') resolve(data.historyId);
      });
    });
    await granted.topic.publishMessage({ json: { historyId: 'granted' } });
    expect(await deadLettered).toBe('granted');
    expect(
      Math.max(...received.filter((r) => r.historyId === 'granted').map((r) => r.attempt)),
    ).toBe(5);
    await deadSub.close();
  });

  it('when a pull subscriber keeps nacking and the service agent is granted, then the message is dead-lettered after its attempts', async () => {
    const agent = `serviceAccount:service-${sim.ctx.projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;
    const [dead] = await pubsub.createTopic('pull-dead');
    await grant(dead, 'roles/pubsub.publisher', agent);
    const [deadSub] = await dead.createSubscription('pull-dead-sub');
    const [topic] = await pubsub.createTopic('pulled-failing');
    const [sub] = await topic.createSubscription('pulled-failing-sub', {
      deadLetterPolicy: { deadLetterTopic: dead.name, maxDeliveryAttempts: 5 },
    });
    await sub.iam.setPolicy({ bindings: [{ role: 'roles/pubsub.subscriber', members: [agent] }] });
    const attempts: number[] = [];
    sub.on('message', (m) => {
      attempts.push(m.deliveryAttempt);
      m.nack();
    });
    const forwarded = new Promise<string>((resolve) => {
      deadSub.on('message', (m) => {
        m.ack();
        resolve(m.data.toString());
      });
    });
    await topic.publishMessage({ data: Buffer.from('poison') });
    expect(await forwarded).toBe('poison');
    expect(Math.max(...attempts)).toBe(5);
    await sub.close();
    await deadSub.close();
  });
});
