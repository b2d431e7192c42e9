// The Google simulator: Gmail REST, OAuth 2.0 and OIDC, Pub/Sub and Cloud KMS, and a control API,
// on one port, in memory. It shares no code with src/: it checks the service through the public
// protocols, spoken by Google's own client libraries with only their endpoints changed.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { adminDirectoryRouter } from './admin-directory.ts';
import { batchRouter } from './batch.ts';
import { calendarRouter } from './calendar-routes.ts';
import { CalendarStore } from './calendar-store.ts';
import type { SimContext } from './context.ts';
import { controlRouter } from './control-routes.ts';
import { makeWatchNotifier } from './gmail-push.ts';
import { gmailRouter } from './gmail-routes.ts';
import { GmailStore } from './gmail-store.ts';
import { type KmsKeys, startGrpcServer } from './grpc-server.ts';
import { makeJwtBearerGrant } from './jwt-bearer.ts';
import { createOAuth } from './oauth.ts';
import { createOidc } from './oidc.ts';
import { listenMultiplexed } from './port-mux.ts';
import { PubSubState } from './pubsub.ts';
import { Quota } from './quota.ts';
import { seededRandom } from './random.ts';
import { RemoteRecipients, recipientsRouter } from './remote-recipients.ts';
import { resourceManagerRouter } from './resource-manager.ts';
import { ServiceAccountKeys, serviceAccountsRouter } from './service-accounts.ts';
import { Workspaces, workspacesRouter } from './workspaces.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  project?: string;
  /** The project's number (12 digits); derived from `project` unless given. */
  projectNumber?: string;
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
  workspaces: Workspaces;
  calendars: CalendarStore;
  close(): Promise<void>;
}

/** A stable 12-digit number for a project id, as Google gives each project one. */
function projectNumberOf(project: string): string {
  const digest = createHash('sha256').update(project).digest();
  return String(100_000_000_000 + (digest.readUInt32BE(0) % 900_000_000_000));
}

const unset = () => {
  throw new Error('simulator part not started');
};

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const store = new GmailStore();
  const calendars = new CalendarStore();
  if (opts.historyRetention) store.historyRetention = opts.historyRetention;
  const ctx: SimContext = {
    project: opts.project ?? 'sim',
    projectNumber: opts.projectNumber ?? projectNumberOf(opts.project ?? 'sim'),
    clientId: opts.clientId ?? 'sim-client-id',
    clientSecret: opts.clientSecret ?? 'sim-client-secret',
    pushServiceAccount: 'gmail-push@sim.iam.gserviceaccount.com',
    baseUrl: '',
    faults: {},
    recipients: new RemoteRecipients(),
    random: seededRandom(Date.now()),
    stats: {
      calls: {},
      units: 0,
      rate_limited: 0,
      refused: {},
      users: {},
      pushes: { sent: 0, acked: 0, dropped: 0 },
    },
    lookupAccessToken: unset,
    mintOidcToken: unset,
    revokeGrants: unset,
    expireAccessTokens: unset,
    expireGrants: unset,
    issueAccessToken: unset,
    exchangeJwtBearer: unset,
    publish: unset,
    topicExists: unset,
    hasRole: unset,
    ensureMailbox: (email) => void store.ensure(email),
    hasMailbox: (email) => store.get(email) !== undefined,
    accountState: (email) => store.get(email)?.state ?? 'ok',
  };
  const quota = new Quota(
    () => ctx.faults,
    () => ctx.random(),
    ctx.projectNumber,
  );
  const pubsub = new PubSubState(ctx);
  const oauth = createOAuth(ctx);
  const workspaces = new Workspaces();
  const accountKeys = new ServiceAccountKeys();
  ctx.exchangeJwtBearer = makeJwtBearerGrant(ctx, accountKeys, workspaces);
  const oidc = await createOidc(ctx);
  let kms: KmsKeys | undefined;
  const grpc = await startGrpcServer(ctx, pubsub, { kmsKeys: opts.kmsKeys ?? [] });
  kms = grpc.kms;

  store.onChange = makeWatchNotifier(ctx);

  const app = express();
  app.disable('x-powered-by');
  app.use(controlRouter(ctx, store, quota, () => kms as KmsKeys));
  app.use(recipientsRouter(ctx.recipients));
  app.use(oauth.router);
  app.use(oidc.router);
  app.use(gmailRouter(ctx, store, quota));
  app.use(calendarRouter(ctx, calendars));
  app.use(resourceManagerRouter(ctx));
  app.use(workspacesRouter(store, workspaces));
  app.use(serviceAccountsRouter(accountKeys));
  app.use(adminDirectoryRouter(ctx, workspaces));
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
    workspaces,
    calendars,
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
