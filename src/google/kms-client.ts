// The Cloud KMS client: Google's, or the simulator's over plaintext gRPC.

import { KeyManagementServiceClient } from '@google-cloud/kms';
import { credentials } from '@grpc/grpc-js';

export function makeKmsClient(emulatorHost: string | undefined): KeyManagementServiceClient {
  if (!emulatorHost) return new KeyManagementServiceClient();
  const [host, port] = emulatorHost.split(':');
  return new KeyManagementServiceClient({
    servicePath: host,
    port: Number(port),
    sslCreds: credentials.createInsecure(),
  });
}
