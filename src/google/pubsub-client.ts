// The Pub/Sub client: Google's, or the simulator's over plaintext gRPC.
import { PubSub } from '@google-cloud/pubsub';

export function makePubSub(opts: { projectId: string; emulatorHost: string | undefined }): PubSub {
  if (opts.emulatorHost) {
    return new PubSub({
      projectId: opts.projectId,
      apiEndpoint: opts.emulatorHost,
      emulatorMode: true,
    });
  }
  return new PubSub({ projectId: opts.projectId });
}

/** `projects/P/topics/T` → P. */
export function projectOfTopic(topic: string): string {
  return topic.split('/')[1] ?? '';
}
