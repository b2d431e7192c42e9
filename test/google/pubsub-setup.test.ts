// setup-pubsub and setup-pubsub --check against the simulator, through the real Pub/Sub client and
// the real CLI: what Gmail's watch and Pub/Sub's dead-lettering need, and what an operator is told.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { checkPubsub } from '../../src/google/pubsub-check.ts';
import { pubsubServiceAgent } from '../../src/google/pubsub-grants.ts';
import { setupPubsub } from '../../src/google/pubsub-setup.ts';
import { failure, faults, gmailFor } from '../support/sim-gmail.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const ENDPOINT = 'https://crm.example.test/pubsub/gmail';
const ACCOUNT = 'gmail-push@sim.iam.gserviceaccount.com';

describe('the Pub/Sub set-up Gmail push needs', () => {
  let sim: Simulator;
  let pubsub: PubSub;
  let projectNumber: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    pubsub = new PubSub({ projectId: 'sim', apiEndpoint: sim.hostPort, emulatorMode: true });
    projectNumber = sim.ctx.projectNumber;
    // Each watch costs 100 units, a second's worth of a user's quota: no pacing to test here.
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await pubsub.close();
    await sim.close();
  });

  const setupFor = (topic: string) => ({
    topic,
    pushEndpoint: ENDPOINT,
    audience: ENDPOINT,
    serviceAccount: ACCOUNT,
    projectNumber,
  });
  const cli = (args: string[], topic: string) =>
    run(process.execPath, ['src/cli.ts', 'setup-pubsub', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        GOOGLE_EMULATOR_HOST: sim.hostPort,
        GMAIL_PUBSUB_TOPIC: topic,
        PUBLIC_URL: 'https://crm.example.test',
        LOG_LEVEL: 'warn',
      },
    }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );

  it('when nothing is set up, then --check names each missing part, one line each, exits 1 and creates nothing', async () => {
    const { code, out } = await cli(['--check'], 'projects/sim/topics/bare');
    expect(code).toBe(1);
    const missing = out.split('\n').filter((l) => l.startsWith('missing: '));
    expect(missing).toEqual([
      'missing: topic projects/sim/topics/bare',
      'missing: dead-letter topic projects/sim/topics/bare-dead-letter',
      'missing: push subscription projects/sim/subscriptions/bare-push',
      'missing: Gmail may publish to the topic (roles/pubsub.publisher for serviceAccount:gmail-api-push@system.gserviceaccount.com)',
      `missing: the Pub/Sub service agent may publish to the dead-letter topic (roles/pubsub.publisher for ${pubsubServiceAgent(projectNumber)})`,
      `missing: the Pub/Sub service agent may subscribe to the subscription (roles/pubsub.subscriber for ${pubsubServiceAgent(projectNumber)})`,
    ]);
    const [exists] = await pubsub.topic('projects/sim/topics/bare').exists();
    expect(exists).toBe(false);
  });

  it('when setup-pubsub has run, then --check finds it complete and Gmail may watch the topic', async () => {
    const topic = 'projects/sim/topics/complete';
    const setup = await cli([], topic);
    expect(setup.code).toBe(0);
    const { code, out } = await cli(['--check'], topic);
    expect({ code, missing: out.split('\n').filter((l) => l.startsWith('missing')) }).toEqual({
      code: 0,
      missing: [],
    });
    const { gmail } = await gmailFor(sim, 'watcher@sim.test');
    const watched = await gmail.users.watch({ userId: 'me', requestBody: { topicName: topic } });
    expect(watched.status).toBe(200);
  });

  it('when Gmail’s grant is missing, then watch answers 403 and --check says so; setup-pubsub grants it and keeps the other bindings', async () => {
    const topic = 'projects/sim/topics/ungranted';
    await setupPubsub(pubsub, setupFor(topic));
    const reader = { role: 'roles/pubsub.viewer', members: ['user:ops@example.test'] };
    await pubsub.topic(topic).iam.setPolicy({ bindings: [reader] });
    const { gmail } = await gmailFor(sim, 'ungranted@sim.test');
    const watch = () => gmail.users.watch({ userId: 'me', requestBody: { topicName: topic } });
    expect(await failure(watch())).toMatchObject({ status: 403 });
    const findings = await checkPubsub(pubsub, setupFor(topic));
    expect(findings.filter((f) => !f.ok).map((f) => f.line)).toEqual([
      'Gmail may publish to the topic (roles/pubsub.publisher for serviceAccount:gmail-api-push@system.gserviceaccount.com)',
    ]);
    await setupPubsub(pubsub, setupFor(topic));
    expect((await watch()).status).toBe(200);
    const [policy] = await pubsub.topic(topic).iam.getPolicy();
    expect(policy.bindings).toContainEqual(expect.objectContaining(reader));
  });

  it('when the subscription pushes elsewhere and the service agent lost its subscriber grant, then --check names exactly those', async () => {
    const topic = 'projects/sim/topics/drifted';
    await setupPubsub(pubsub, setupFor(topic));
    const subscription = pubsub.subscription('projects/sim/subscriptions/drifted-push');
    await subscription.modifyPushConfig({
      pushEndpoint: 'https://old.example.test/pubsub/gmail',
      oidcToken: { serviceAccountEmail: ACCOUNT, audience: ENDPOINT },
    });
    await subscription.iam.setPolicy({ bindings: [] });
    const findings = await checkPubsub(pubsub, setupFor(topic));
    expect(findings.filter((f) => !f.ok).map((f) => f.line)).toEqual([
      `push endpoint ${ENDPOINT} (is https://old.example.test/pubsub/gmail)`,
      `the Pub/Sub service agent may subscribe to the subscription (roles/pubsub.subscriber for ${pubsubServiceAgent(projectNumber)})`,
    ]);
  });
});
