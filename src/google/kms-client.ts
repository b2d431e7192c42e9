// The Cloud KMS client: Google's, or the simulator's over plaintext gRPC.

import { KeyManagementServiceClient } from '@google-cloud/kms';
import { credentials } from '@grpc/grpc-js';
import { PassThroughClient } from 'google-auth-library';

export function makeKmsClient(emulatorHost: string | undefined): KeyManagementServiceClient {
  if (!emulatorHost) return new KeyManagementServiceClient();
  // lastIndexOf so a bracketed IPv6 host ("[::1]:8085") keeps its colons.
  const colon = emulatorHost.lastIndexOf(':');
  return new KeyManagementServiceClient({
    servicePath: emulatorHost.slice(0, colon),
    port: Number(emulatorHost.slice(colon + 1)),
    sslCreds: credentials.createInsecure(),
    // No credentials for the simulator, and no metadata-server probe for them (see pubsub-client.ts).
    authClient: new PassThroughClient(),
  });
}
