// Who must be allowed what in Pub/Sub for Gmail push to work, in one place for set-up and check.
// Gmail publishes as its own service account and `watch` answers 403 without that grant
// (https://developers.google.com/gmail/api/guides/push#grant_publish_rights_on_your_topic).
// Dead-lettering is done by the project's Pub/Sub service agent, which must be able to publish to
// the dead-letter topic and subscribe to the subscription, or failing messages are redelivered
// forever (https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions).
import type { Subscription, Topic } from '@google-cloud/pubsub';

/** Gmail publishes notifications as this service account. */
export const GMAIL_PUBLISHER = 'serviceAccount:gmail-api-push@system.gserviceaccount.com';
export const PUBLISHER_ROLE = 'roles/pubsub.publisher';
export const SUBSCRIBER_ROLE = 'roles/pubsub.subscriber';

/** Pub/Sub's admin and editor roles include the publisher and subscriber permissions. */
const BROADER_ROLES = ['roles/pubsub.admin', 'roles/pubsub.editor'];

export function pubsubServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;
}

export interface Grant {
  /** What the grant is for, as the operator reads it. */
  label: string;
  on: Topic | Subscription;
  role: string;
  member: string;
}

/** The grants Gmail push needs; the service agent's two only when the project number is known. */
export function requiredGrants(
  topic: Topic,
  deadLetter: Topic,
  subscription: Subscription,
  projectNumber: string | undefined,
): Grant[] {
  const grants: Grant[] = [
    {
      label: 'Gmail may publish to the topic',
      on: topic,
      role: PUBLISHER_ROLE,
      member: GMAIL_PUBLISHER,
    },
  ];
  if (projectNumber === undefined) return grants;
  const agent = pubsubServiceAgent(projectNumber);
  grants.push(
    {
      label: 'the Pub/Sub service agent may publish to the dead-letter topic',
      on: deadLetter,
      role: PUBLISHER_ROLE,
      member: agent,
    },
    {
      label: 'the Pub/Sub service agent may subscribe to the subscription',
      on: subscription,
      role: SUBSCRIBER_ROLE,
      member: agent,
    },
  );
  return grants;
}

export async function hasGrant(grant: Grant): Promise<boolean> {
  const [policy] = await grant.on.iam.getPolicy();
  return (policy.bindings ?? []).some(
    (b) =>
      [grant.role, ...BROADER_ROLES].includes(b.role ?? '') &&
      (b.members ?? []).includes(grant.member),
  );
}

/** Adds the member to the role's binding, keeping every other binding; false when already there. */
export async function addGrant(grant: Grant): Promise<boolean> {
  if (await hasGrant(grant)) return false;
  const [policy] = await grant.on.iam.getPolicy();
  const bindings = policy.bindings ?? [];
  const binding = bindings.find((b) => b.role === grant.role);
  if (binding) binding.members = [...(binding.members ?? []), grant.member];
  else bindings.push({ role: grant.role, members: [grant.member] });
  await grant.on.iam.setPolicy({ ...policy, bindings });
  return true;
}
