// `gmail-sync setup-pubsub`: what Gmail push needs in Pub/Sub, created idempotently
// (https://developers.google.com/gmail/api/guides/push#initial_cloud_pubsub_setup): the topic, Gmail's
// publisher grant on it, a dead-letter topic, and a push subscription to our endpoint that carries
// an OIDC token, retries with backoff and dead-letters after 10 attempts, and the Pub/Sub service
// agent's grants that dead-lettering needs (see pubsub-grants.ts). pubsub-check.ts verifies the same.
import type { PubSub, Subscription, Topic } from '@google-cloud/pubsub';
import { addGrant, requiredGrants } from './pubsub-grants.ts';

const ALREADY_EXISTS = 6;

export interface PubsubSetup {
  topic: string;
  pushEndpoint: string;
  audience: string;
  serviceAccount: string;
  /** Dead-letter after this many delivery attempts. */
  maxDeliveryAttempts?: number;
  /** Retry backoff bounds; Google allows 0–600 s. */
  minBackoffS?: number;
  maxBackoffS?: number;
  /**
   * The project's number, which names its Pub/Sub service agent; without it the agent's grants are
   * left out (and said so).
   */
  projectNumber?: string | undefined;
}

/** `projects/P/topics/T` → its push subscription, `projects/P/subscriptions/T-push`. */
export function subscriptionNameOf(topic: string): string {
  return `${topic.replace('/topics/', '/subscriptions/')}-push`;
}

export function deadLetterTopicOf(topic: string): string {
  return `${topic}-dead-letter`;
}

export async function setupPubsub(pubsub: PubSub, setup: PubsubSetup): Promise<string[]> {
  const done: string[] = [];
  const topic = await ensureTopic(pubsub, setup.topic, done);
  const deadLetter = await ensureTopic(pubsub, deadLetterTopicOf(setup.topic), done);
  const subscription = await ensureSubscription(topic, deadLetter, setup, done);
  for (const grant of requiredGrants(topic, deadLetter, subscription, setup.projectNumber)) {
    const added = await addGrant(grant);
    done.push(added ? `granted: ${grant.label}` : `already granted: ${grant.label}`);
  }
  if (setup.projectNumber === undefined)
    done.push(
      'skipped the Pub/Sub service agent grants: project number unknown (--project-number)',
    );
  return done;
}

async function ensureSubscription(
  topic: Topic,
  deadLetter: Topic,
  setup: PubsubSetup,
  done: string[],
): Promise<Subscription> {
  const name = subscriptionNameOf(setup.topic);
  const pushConfig = {
    pushEndpoint: setup.pushEndpoint,
    oidcToken: { serviceAccountEmail: setup.serviceAccount, audience: setup.audience },
  };
  const deadLetterPolicy = {
    deadLetterTopic: deadLetter.name,
    maxDeliveryAttempts: setup.maxDeliveryAttempts ?? 10,
  };
  const subscription = topic.subscription(name);
  const [exists] = await subscription.exists();
  if (!exists) {
    await topic.createSubscription(name, {
      pushConfig,
      ackDeadlineSeconds: 30,
      retryPolicy: {
        minimumBackoff: { seconds: setup.minBackoffS ?? 10 },
        maximumBackoff: { seconds: setup.maxBackoffS ?? 600 },
      },
      deadLetterPolicy,
    });
    done.push(`created push subscription ${name} → ${setup.pushEndpoint}`);
    return subscription;
  }
  const [metadata] = await subscription.getMetadata();
  const current = metadata.pushConfig;
  if (
    current?.pushEndpoint !== setup.pushEndpoint ||
    current?.oidcToken?.audience !== setup.audience ||
    current?.oidcToken?.serviceAccountEmail !== setup.serviceAccount
  ) {
    await subscription.modifyPushConfig(pushConfig);
    done.push(`updated push subscription ${name} → ${setup.pushEndpoint}`);
  } else {
    done.push(`push subscription ${name} already up to date`);
  }
  if (metadata.deadLetterPolicy?.deadLetterTopic !== deadLetter.name) {
    await subscription.setMetadata({ deadLetterPolicy });
    done.push(`set the dead-letter policy of ${name} → ${deadLetter.name}`);
  }
  return subscription;
}

async function ensureTopic(pubsub: PubSub, fullName: string, done: string[]): Promise<Topic> {
  const topic = pubsub.topic(fullName);
  try {
    await topic.create();
    done.push(`created topic ${fullName}`);
  } catch (error) {
    if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
    done.push(`topic ${fullName} already exists`);
  }
  return topic;
}
