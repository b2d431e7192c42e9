// `gmail-sync setup-pubsub`: what Gmail push needs in Pub/Sub, created idempotently
// (https://developers.google.com/gmail/api/guides/push#initial_cloud_pubsub_setup): the topic, Gmail's
// publisher grant on it, a dead-letter topic, and a push subscription to our endpoint that carries
// an OIDC token, retries with backoff and dead-letters after 10 attempts.
import type { PubSub, Topic } from '@google-cloud/pubsub';

/** Gmail publishes notifications as this service account. */
export const GMAIL_PUBLISHER = 'serviceAccount:gmail-api-push@system.gserviceaccount.com';
const PUBLISHER_ROLE = 'roles/pubsub.publisher';
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
}

export async function setupPubsub(pubsub: PubSub, setup: PubsubSetup): Promise<string[]> {
  const done: string[] = [];
  const topic = await ensureTopic(pubsub, setup.topic, done);
  await grantGmailPublisher(topic, done);
  const deadLetter = await ensureTopic(pubsub, `${setup.topic}-dead-letter`, done);
  const name = `${topicId(setup.topic)}-push`;
  const options = {
    pushConfig: {
      pushEndpoint: setup.pushEndpoint,
      oidcToken: { serviceAccountEmail: setup.serviceAccount, audience: setup.audience },
    },
    ackDeadlineSeconds: 30,
    retryPolicy: {
      minimumBackoff: { seconds: setup.minBackoffS ?? 10 },
      maximumBackoff: { seconds: setup.maxBackoffS ?? 600 },
    },
    deadLetterPolicy: {
      deadLetterTopic: deadLetter.name,
      maxDeliveryAttempts: setup.maxDeliveryAttempts ?? 10,
    },
  };
  const subscription = topic.subscription(name);
  const [exists] = await subscription.exists();
  if (!exists) {
    await topic.createSubscription(name, options);
    done.push(`created push subscription ${name} → ${setup.pushEndpoint}`);
  } else {
    const [metadata] = await subscription.getMetadata();
    const current = metadata.pushConfig;
    if (
      current?.pushEndpoint !== setup.pushEndpoint ||
      current?.oidcToken?.audience !== setup.audience ||
      current?.oidcToken?.serviceAccountEmail !== setup.serviceAccount
    ) {
      await subscription.modifyPushConfig(options.pushConfig);
      done.push(`updated push subscription ${name} → ${setup.pushEndpoint}`);
    } else {
      done.push(`push subscription ${name} already up to date`);
    }
  }
  return done;
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

async function grantGmailPublisher(topic: Topic, done: string[]): Promise<void> {
  const [policy] = await topic.iam.getPolicy();
  const bindings = policy.bindings ?? [];
  const binding = bindings.find((b) => b.role === PUBLISHER_ROLE);
  if (binding?.members?.includes(GMAIL_PUBLISHER)) {
    done.push('Gmail already may publish to the topic');
    return;
  }
  if (binding) binding.members = [...(binding.members ?? []), GMAIL_PUBLISHER];
  else bindings.push({ role: PUBLISHER_ROLE, members: [GMAIL_PUBLISHER] });
  await topic.iam.setPolicy({ ...policy, bindings });
  done.push(`granted ${GMAIL_PUBLISHER} ${PUBLISHER_ROLE} on the topic`);
}

function topicId(fullName: string): string {
  return fullName.split('/').pop() ?? fullName;
}
