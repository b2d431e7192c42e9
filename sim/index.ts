// The Google simulator: Gmail REST, OAuth 2.0 and OIDC, Pub/Sub and Cloud KMS, and a control API,
// on one port, in memory. It shares no code with src/: it checks the service through the public
// protocols, spoken by Google's own client libraries with only their endpoints changed.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { batchRouter } from './batch.ts';
import type { SimContext } from './context.ts';
import { controlRouter } from './control-routes.ts';
import { gmailRouter } from './gmail-routes.ts';
import { GmailStore } from './gmail-store.ts';
import { type KmsKeys, startGrpcServer } from './grpc-server.ts';
import { createOAuth } from './oauth.ts';
import { listenMultiplexed } from './port-mux.ts';
import { PubSubState } from './pubsub.ts';
import { Quota } from './quota.ts';
import { seededRandom } from './random.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  project?: string;
  clientId?: string;
  clientSecret?: string;
  kmsKeys?: string[];
  /** History records kept per mailbox before older starts answer 404. */
  historyRetention?: number;
}

export interface Simulator {
  port: number;
  hostPort: string;
  baseUrl: string;
  ctx: SimContext;
  store: GmailStore;
  close(): Promise<void>;
}

const unset = () => {
  throw new Error('simulator part not started');
};

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const store = new GmailStore();
  if (opts.historyRetention) store.historyRetention = opts.historyRetention;
  const ctx: SimContext = {
    project: opts.project ?? 'sim',
    clientId: opts.clientId ?? 'sim-client-id',
    clientSecret: opts.clientSecret ?? 'sim-client-secret',
    pushServiceAccount: 'gmail-push@sim.iam.gserviceaccount.com',
    baseUrl: '',
    faults: {},
    random: seededRandom(Date.now()),
    stats: { calls: {}, rate_limited: 0, users: {}, pushes: { sent: 0, acked: 0 } },
    lookupAccessToken: unset,
    mintOidcToken: unset,
    revokeGrants: unset,
    expireAccessTokens: unset,
    publish: unset,
    topicExists: unset,
    ensureMailbox: (email) => void store.ensure(email),
    hasMailbox: (email) => store.get(email) !== undefined,
  };
  const quota = new Quota(
    () => ctx.faults,
    () => ctx.random(),
  );
  const pubsub = new PubSubState(ctx);
  const oauth = await createOAuth(ctx);
  let kms: KmsKeys | undefined;
  const grpc = await startGrpcServer(ctx, pubsub, { kmsKeys: opts.kmsKeys ?? [] });
  kms = grpc.kms;

  // A watch publishes {emailAddress, historyId} on every change its label filter lets through
  // (https://developers.google.com/gmail/api/guides/push#receiving_notifications).
  store.onChange = (mailbox, record) => {
    const watch = mailbox.watch;
    if (!watch || watch.expiration <= Date.now()) return;
    const labels = mailbox.messages.get(record.messageId)?.labelIds ?? new Set(record.labelIds);
    const hit =
      watch.labelIds.length === 0 ||
      watch.labelIds.some((l) => labels.has(l) || record.labelIds.includes(l));
    if (watch.filter === 'include' ? !hit : hit && watch.labelIds.length > 0) return;
    ctx.publish(watch.topicName, { emailAddress: mailbox.email, historyId: String(record.id) });
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(controlRouter(ctx, store, quota, () => kms as KmsKeys));
  app.use(oauth.router);
  app.use(gmailRouter(ctx, store, quota));
  app.use(
    batchRouter((req, res) => {
      // Express gives each response its own prototype, which would hide the methods by which
      // light-my-request collects an injected answer: keep them as the response's own.
      const collecting = Object.getPrototypeOf(res) as Record<string, unknown>;
      for (const method of ['writeHead', 'write', 'end'])
        Object.defineProperty(res, method, { value: collecting[method], writable: true });
      app(req, res);
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 404, message: 'Not Found', status: 'NOT_FOUND' } });
  });
  const httpServer = createServer(app);
  httpServer.keepAliveTimeout = 60_000;
  const server = await listenMultiplexed({
    httpServer,
    grpcPort: grpc.port,
    port: opts.port ?? 0,
    host,
  });
  const port = (server.address() as AddressInfo).port;
  ctx.baseUrl = `http://${host}:${port}`;
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return {
    port,
    hostPort: `${host}:${port}`,
    baseUrl: ctx.baseUrl,
    ctx,
    store,
    async close() {
      pubsub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      httpServer.closeAllConnections();
      await grpc.close();
    },
  };
}
