// IAM policies on Pub/Sub topics and subscriptions, as far as Gmail push needs them
// (https://cloud.google.com/pubsub/docs/access-control): who may publish, who may subscribe.

export interface Policy {
  bindings: { role?: string; members?: string[] }[];
  etag: Buffer;
}

/** Pub/Sub's admin and editor roles include the publisher and subscriber permissions. */
export function grantsRole(policy: Policy | undefined, role: string, member: string): boolean {
  const roles = [role, 'roles/pubsub.admin', 'roles/pubsub.editor'];
  return (policy?.bindings ?? []).some(
    (b) => roles.includes(b.role ?? '') && (b.members ?? []).includes(member),
  );
}

/** The project's Pub/Sub service agent, which forwards messages to dead-letter topics. */
export function pubsubServiceAgent(projectNumber: string): string {
  return `serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;
}
