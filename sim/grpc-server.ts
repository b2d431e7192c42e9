// Pub/Sub and Cloud KMS over gRPC, from the protos the Google client libraries ship, so the real
// @google-cloud/pubsub and @google-cloud/kms clients talk to the simulator unchanged.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { SimContext } from './context.ts';
import { type KmsKeys, kmsService } from './kms.ts';
import type { PubSubState } from './pubsub.ts';
import { iamPolicy, publisher, subscriber } from './pubsub-grpc.ts';

const require = createRequire(import.meta.url);
const pubsubProtos = path.join(
  path.dirname(require.resolve('@google-cloud/pubsub/package.json')),
  'build/protos',
);
const kmsProtos = path.join(
  path.dirname(require.resolve('@google-cloud/kms/package.json')),
  'build/protos',
);
// google-gax exports no package.json: its protos sit two levels above its entry point.
const gaxProtos = path.join(path.dirname(require.resolve('google-gax')), '../protos');

export type { KmsKeys };

export async function startGrpcServer(
  ctx: SimContext,
  pubsub: PubSubState,
  opts: { kmsKeys?: string[] },
): Promise<{ port: number; kms: KmsKeys; close(): Promise<void> }> {
  const load = (file: string, includeDirs: string[]) =>
    grpc.loadPackageDefinition(
      protoLoader.loadSync(file, {
        includeDirs,
        keepCase: false,
        longs: String,
        enums: String,
        defaults: true,
        oneofs: true,
      }),
    ) as unknown as Record<
      string,
      Record<string, Record<string, Record<string, { service: grpc.ServiceDefinition }>>>
    >;
  const ps = load('google/pubsub/v1/pubsub.proto', [pubsubProtos, gaxProtos]);
  const iam = load('google/iam/v1/iam_policy.proto', [gaxProtos]);
  const kmsPkg = load('google/cloud/kms/v1/service.proto', [kmsProtos, gaxProtos]);
  const server = new grpc.Server();
  const service = (def: unknown) => (def as { service: grpc.ServiceDefinition }).service;
  const pkg = (root: unknown, ...names: string[]) =>
    names.reduce<unknown>((node, n) => (node as Record<string, unknown> | undefined)?.[n], root);
  server.addService(service(pkg(ps, 'google', 'pubsub', 'v1', 'Publisher')), publisher(pubsub));
  server.addService(service(pkg(ps, 'google', 'pubsub', 'v1', 'Subscriber')), subscriber(pubsub));
  server.addService(service(pkg(iam, 'google', 'iam', 'v1', 'IAMPolicy')), iamPolicy(pubsub));
  const kms = kmsService(opts.kmsKeys ?? []);
  const kmsDef = pkg(kmsPkg, 'google', 'cloud', 'kms', 'v1', 'KeyManagementService');
  server.addService(service(kmsDef), kms.handlers);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  void ctx;
  return {
    port,
    kms: kms.keys,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000).unref();
      }),
  };
}
