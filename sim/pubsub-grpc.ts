// Pub/Sub's gRPC services (google.pubsub.v1 Publisher and Subscriber, google.iam.v1 IAMPolicy)
// over the in-memory PubSubState, answering as the real service does for what the client
// libraries and the service's set-up call.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { type Call, type Callback, fail } from './grpc-common.ts';
import type { PubSubState, PullStream } from './pubsub.ts';
import type { Policy } from './pubsub-iam.ts';

export function publisher(state: PubSubState): grpc.UntypedServiceImplementation {
  return {
    CreateTopic(call: Call, cb: Callback) {
      const name = String(call.request.name);
      if (state.topics.has(name))
        return fail(cb, grpc.status.ALREADY_EXISTS, 'Topic already exists');
      state.topics.set(name, { policy: { bindings: [], etag: randomBytes(8) } });
      cb(null, { name });
    },
    GetTopic(call: Call, cb: Callback) {
      const name = String(call.request.topic);
      if (!state.topics.has(name)) return fail(cb, grpc.status.NOT_FOUND, 'Resource not found');
      cb(null, { name });
    },
    ListTopics(call: Call, cb: Callback) {
      const project = String(call.request.project);
      cb(null, {
        topics: [...state.topics.keys()]
          .filter((t) => t.startsWith(`${project}/`))
          .map((name) => ({ name })),
      });
    },
    DeleteTopic(call: Call, cb: Callback) {
      state.topics.delete(String(call.request.topic));
      cb(null, {});
    },
    Publish(call: Call, cb: Callback) {
      const topic = String(call.request.topic);
      if (!state.topics.has(topic)) return fail(cb, grpc.status.NOT_FOUND, 'Topic not found');
      const messages =
        (call.request.messages as { data: Buffer; attributes: Record<string, string> }[]) ?? [];
      cb(null, {
        messageIds: messages.map((m) =>
          state.publish(topic, Buffer.from(m.data ?? []), m.attributes ?? {}),
        ),
      });
    },
    ListTopicSubscriptions(call: Call, cb: Callback) {
      const topic = String(call.request.topic);
      cb(null, {
        subscriptions: [...state.subscriptions.values()]
          .filter((s) => s.topic === topic)
          .map((s) => s.name),
      });
    },
  };
}

const ms = (
  d: { seconds?: string | number; nanos?: number } | null | undefined,
  fallback: number,
) => (d ? Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : fallback);

export function subscriber(state: PubSubState): grpc.UntypedServiceImplementation {
  const view = (name: string) => state.subscriptions.get(name)?.raw;
  return {
    CreateSubscription(call: Call, cb: Callback) {
      const r = call.request as Record<string, unknown> & {
        name: string;
        topic: string;
        pushConfig?: {
          pushEndpoint?: string;
          oidcToken?: { serviceAccountEmail?: string; audience?: string };
        };
        ackDeadlineSeconds?: number;
        retryPolicy?: {
          minimumBackoff?: { seconds?: string; nanos?: number };
          maximumBackoff?: { seconds?: string; nanos?: number };
        };
        deadLetterPolicy?: { deadLetterTopic?: string; maxDeliveryAttempts?: number };
      };
      if (state.subscriptions.has(r.name))
        return fail(cb, grpc.status.ALREADY_EXISTS, 'Subscription already exists');
      if (!state.topics.has(r.topic)) return fail(cb, grpc.status.NOT_FOUND, 'Topic not found');
      state.createSubscription({
        name: r.name,
        topic: r.topic,
        pushConfig: r.pushConfig?.pushEndpoint
          ? { pushEndpoint: r.pushConfig.pushEndpoint, oidcToken: r.pushConfig.oidcToken ?? null }
          : null,
        ackDeadlineSeconds: r.ackDeadlineSeconds || 10,
        minBackoffMs: ms(r.retryPolicy?.minimumBackoff, 10_000),
        maxBackoffMs: ms(r.retryPolicy?.maximumBackoff, 600_000),
        deadLetterTopic: r.deadLetterPolicy?.deadLetterTopic || null,
        maxDeliveryAttempts: r.deadLetterPolicy?.maxDeliveryAttempts || 5,
        raw: { ...r },
      });
      cb(null, r);
    },
    GetSubscription(call: Call, cb: Callback) {
      const found = view(String(call.request.subscription));
      if (!found) return fail(cb, grpc.status.NOT_FOUND, 'Resource not found');
      cb(null, found);
    },
    UpdateSubscription(call: Call, cb: Callback) {
      const r = call.request.subscription as { name: string };
      const sub = state.subscriptions.get(r.name);
      if (!sub) return fail(cb, grpc.status.NOT_FOUND, 'Resource not found');
      sub.raw = { ...sub.raw, ...r };
      cb(null, sub.raw);
    },
    ModifyPushConfig(call: Call, cb: Callback) {
      const sub = state.subscriptions.get(String(call.request.subscription));
      if (!sub) return fail(cb, grpc.status.NOT_FOUND, 'Resource not found');
      const pc = call.request.pushConfig as PushConfigIn | undefined;
      sub.pushConfig = pc?.pushEndpoint
        ? { pushEndpoint: pc.pushEndpoint, oidcToken: pc.oidcToken ?? null }
        : null;
      sub.raw = { ...sub.raw, pushConfig: pc };
      cb(null, {});
    },
    DeleteSubscription(call: Call, cb: Callback) {
      state.subscriptions.delete(String(call.request.subscription));
      cb(null, {});
    },
    ListSubscriptions(call: Call, cb: Callback) {
      const project = String(call.request.project);
      cb(null, {
        subscriptions: [...state.subscriptions.values()]
          .filter((s) => s.name.startsWith(`${project}/`))
          .map((s) => s.raw),
      });
    },
    Acknowledge(call: Call, cb: Callback) {
      state.ack(String(call.request.subscription), (call.request.ackIds as string[]) ?? []);
      cb(null, {});
    },
    ModifyAckDeadline(call: Call, cb: Callback) {
      state.modifyAckDeadline(
        String(call.request.subscription),
        (call.request.ackIds as string[]) ?? [],
        Number(call.request.ackDeadlineSeconds),
      );
      cb(null, {});
    },
    Pull(call: Call, cb: Callback) {
      const leased = state.pull(
        String(call.request.subscription),
        Number(call.request.maxMessages) || 10,
      );
      cb(null, { receivedMessages: leased.map(received) });
    },
    StreamingPull(stream: grpc.ServerDuplexStream<Record<string, unknown>, unknown>) {
      let handle: PullStream | undefined;
      stream.on('data', (req: Record<string, unknown>) => {
        const subscription = String(req.subscription ?? '');
        if (!handle && subscription) {
          if (!state.subscriptions.has(subscription)) {
            stream.destroy(
              Object.assign(new Error('Subscription does not exist'), {
                code: grpc.status.NOT_FOUND,
              }),
            );
            return;
          }
          handle = {
            subscription,
            send: (messages) => stream.write({ receivedMessages: messages.map(received) }),
          };
          state.streams.add(handle);
        }
        if (handle) {
          const acks = (req.ackIds as string[]) ?? [];
          if (acks.length) state.ack(handle.subscription, acks);
          const mods = (req.modifyDeadlineAckIds as string[]) ?? [];
          const secs = (req.modifyDeadlineSeconds as number[]) ?? [];
          for (const [i, id] of mods.entries()) {
            state.modifyAckDeadline(handle.subscription, [id], secs[i] ?? 0);
          }
        }
      });
      const end = () => {
        if (handle) state.streams.delete(handle);
        handle = undefined;
      };
      stream.on('end', () => {
        end();
        stream.end();
      });
      stream.on('error', end);
      stream.on('cancelled', end);
    },
  };
}

type PushConfigIn = {
  pushEndpoint?: string;
  oidcToken?: { serviceAccountEmail?: string; audience?: string };
};

function received(p: {
  ackId: string;
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  publishTime: Date;
  attempts: number;
}) {
  const seconds = Math.floor(p.publishTime.getTime() / 1000);
  return {
    ackId: p.ackId,
    message: {
      data: p.data,
      attributes: p.attributes,
      messageId: p.messageId,
      publishTime: { seconds: String(seconds), nanos: (p.publishTime.getTime() % 1000) * 1e6 },
    },
    deliveryAttempt: p.attempts,
  };
}

/** IAM policies of topics and subscriptions (google.iam.v1.IAMPolicy). */
export function iamPolicy(state: PubSubState): grpc.UntypedServiceImplementation {
  return {
    GetIamPolicy(call: Call, cb: Callback) {
      const policy = state.policyOf(String(call.request.resource));
      if (!policy) return fail(cb, grpc.status.NOT_FOUND, 'Resource not found');
      cb(null, { version: 1, bindings: policy.bindings, etag: policy.etag });
    },
    SetIamPolicy(call: Call, cb: Callback) {
      const given = call.request.policy as { bindings?: Policy['bindings'] } | undefined;
      const policy: Policy = { bindings: given?.bindings ?? [], etag: randomBytes(8) };
      if (!state.setPolicy(String(call.request.resource), policy))
        return fail(cb, grpc.status.NOT_FOUND, 'Resource not found');
      cb(null, { version: 1, bindings: policy.bindings, etag: policy.etag });
    },
    // The caller (the service's own credentials) may do anything in the simulator's project.
    TestIamPermissions(call: Call, cb: Callback) {
      if (!state.policyOf(String(call.request.resource)))
        return fail(cb, grpc.status.NOT_FOUND, 'Resource not found');
      cb(null, { permissions: (call.request.permissions as string[]) ?? [] });
    },
  };
}
