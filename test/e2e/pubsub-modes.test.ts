import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makePubSub } from '../../src/google/pubsub-client.ts';
import { setupPubsub } from '../../src/google/pubsub-setup.ts';
import { startPullConsumer } from '../../src/jobs/pubsub-pull.ts';
import { addContact } from '../support/crm-seed.ts';
import { type E2E, startE2E } from '../support/e2e-service.ts';
import { rawMail } from '../support/raw-mail.ts';
import { waitFor } from '../support/wait-for.ts';

const ORG = 'org-modes';
const OWNER = 'modes@vendor.test';

describe('Pub/Sub set-up and pull mode', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
    await addContact(e2e.deps.database.db, ORG, 'Client', 'client@customer.test');
    expect((await e2e.connect({ sub: 'u-modes', org: ORG }, OWNER)).status).toBe(200);
  });
  afterEach(() => e2e.resetFaults());
  afterAll(async () => {
    await e2e.close();
  });

  it('when setup-pubsub runs twice, then the second run changes nothing', async () => {
    const pubsub = makePubSub({ projectId: 'sim', emulatorHost: e2e.sim.hostPort });
    try {
      const setup = {
        topic: 'projects/sim/topics/fresh',
        pushEndpoint: `${e2e.url}/pubsub/gmail`,
        audience: e2e.deps.config.google.pushAudience,
        serviceAccount: e2e.deps.config.google.pushServiceAccount,
        projectNumber: e2e.sim.ctx.projectNumber,
      };
      const first = await setupPubsub(pubsub, setup);
      expect(first).toEqual([
        'created topic projects/sim/topics/fresh',
        'created topic projects/sim/topics/fresh-dead-letter',
        `created push subscription projects/sim/subscriptions/fresh-push → ${e2e.url}/pubsub/gmail`,
        'granted: Gmail may publish to the topic',
        'granted: the Pub/Sub service agent may publish to the dead-letter topic',
        'granted: the Pub/Sub service agent may subscribe to the subscription',
      ]);
      const second = await setupPubsub(pubsub, setup);
      expect(second).toEqual([
        'topic projects/sim/topics/fresh already exists',
        'topic projects/sim/topics/fresh-dead-letter already exists',
        'push subscription projects/sim/subscriptions/fresh-push already up to date',
        'already granted: Gmail may publish to the topic',
        'already granted: the Pub/Sub service agent may publish to the dead-letter topic',
        'already granted: the Pub/Sub service agent may subscribe to the subscription',
      ]);
      const [sub] = await pubsub.subscription('fresh-push').getMetadata();
      expect(sub.deadLetterPolicy?.maxDeliveryAttempts).toBe(10);
      expect(sub.pushConfig?.oidcToken?.serviceAccountEmail).toBe(
        'gmail-push@sim.iam.gserviceaccount.com',
      );
    } finally {
      await pubsub.close();
    }
  });

  it('when notifications are pulled instead of pushed, then the same mail is logged', async () => {
    const pubsub = makePubSub({ projectId: 'sim', emulatorHost: e2e.sim.hostPort });
    await pubsub.topic('projects/sim/topics/gmail').createSubscription('gmail-pull');
    // Push loses everything from now on: only the pull path can bring the mail in.
    await e2e.simControl('faults', { method: 'PUT', body: { push: { drop: 1 } } });
    const consumer = startPullConsumer(
      {
        db: e2e.deps.database.db,
        pool: e2e.deps.database.pool,
        log: e2e.deps.log,
        pubsub,
        timings: e2e.deps.config.timings,
      },
      'gmail-pull',
    );
    try {
      const { id } = await e2e.deliver(
        OWNER,
        rawMail({ from: 'client@customer.test', to: OWNER, subject: 'pulled' }),
      );
      await waitFor(
        async () => {
          const { rows } = await e2e.database.pool.query(
            'select 1 from activities where gmail_message_id = $1',
            [id],
          );
          return rows.length > 0;
        },
        { what: 'the pulled mail to be logged' },
      );
    } finally {
      await consumer.close();
      await pubsub.close();
      await e2e.simControl('faults', { method: 'PUT', body: { reset: true } });
    }
  });
});
