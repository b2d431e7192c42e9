// The Pub/Sub client: Google's, or the simulator's over plaintext gRPC.
import { PubSub } from '@google-cloud/pubsub';
import { PassThroughClient } from 'google-auth-library';

export function makePubSub(opts: { projectId: string; emulatorHost: string | undefined }): PubSub {
  if (opts.emulatorHost) {
    return new PubSub({
      projectId: opts.projectId,
      apiEndpoint: opts.emulatorHost,
      emulatorMode: true,
      // The simulator wants no credentials; without a client of its own, google-gax asks
      // Application Default Credentials for the universe domain, which probes the GCE metadata
      // server and prints a MetadataLookupWarning off Google Cloud.
      authClient: new PassThroughClient(),
    });
  }
  return new PubSub({ projectId: opts.projectId });
}

/** `projects/P/topics/T` → P. */
export function projectOfTopic(topic: string): string {
  return topic.split('/')[1] ?? '';
}
