// `gmail-sync setup-pubsub --check`: verifies an existing Gmail push set-up without changing it,
// and names each thing that is missing or different, one line each, so an operator can fix what a
// 403 from `watch` or mail redelivered forever does not explain.
import type { PubSub } from '@google-cloud/pubsub';
import { hasGrant, requiredGrants } from './pubsub-grants.ts';
import { deadLetterTopicOf, type PubsubSetup, subscriptionNameOf } from './pubsub-setup.ts';

export interface Finding {
  ok: boolean;
  line: string;
}

export type CheckedSetup = Pick<
  PubsubSetup,
  'topic' | 'pushEndpoint' | 'audience' | 'serviceAccount' | 'projectNumber'
>;

export async function checkPubsub(pubsub: PubSub, setup: CheckedSetup): Promise<Finding[]> {
  const findings: Finding[] = [];
  const note = (ok: boolean, line: string) => findings.push({ ok, line });
  const topic = pubsub.topic(setup.topic);
  const deadLetter = pubsub.topic(deadLetterTopicOf(setup.topic));
  const name = subscriptionNameOf(setup.topic);
  const subscription = topic.subscription(name);

  const [topicExists] = await topic.exists();
  note(topicExists, `topic ${setup.topic}`);
  const [deadLetterExists] = await deadLetter.exists();
  note(deadLetterExists, `dead-letter topic ${deadLetter.name}`);
  const [subscriptionExists] = await subscription.exists();
  note(subscriptionExists, `push subscription ${name}`);

  if (subscriptionExists) {
    const [metadata] = await subscription.getMetadata();
    const push = metadata.pushConfig;
    const same = (label: string, actual: string | null | undefined, expected: string) =>
      note(
        actual === expected,
        `${label} ${expected}${actual === expected ? '' : ` (is ${actual || 'unset'})`}`,
      );
    same('push endpoint', push?.pushEndpoint, setup.pushEndpoint);
    same('OIDC audience', push?.oidcToken?.audience, setup.audience);
    same('OIDC service account', push?.oidcToken?.serviceAccountEmail, setup.serviceAccount);
    same('dead-letter policy to', metadata.deadLetterPolicy?.deadLetterTopic, deadLetter.name);
  }

  const exists = new Map<unknown, boolean>([
    [topic, topicExists],
    [deadLetter, deadLetterExists],
    [subscription, subscriptionExists],
  ]);
  for (const grant of requiredGrants(topic, deadLetter, subscription, setup.projectNumber)) {
    const granted = exists.get(grant.on) === true && (await hasGrant(grant));
    note(granted, `${grant.label} (${grant.role} for ${grant.member})`);
  }
  if (setup.projectNumber === undefined)
    note(false, 'the Pub/Sub service agent grants: project number unknown (--project-number)');
  return findings;
}
