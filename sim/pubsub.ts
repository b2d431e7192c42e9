// Pub/Sub in memory: topics, subscriptions (push and pull), IAM policies. Push delivery POSTs
// Google's push body with an OIDC token (https://cloud.google.com/pubsub/docs/push) and redelivers
// with exponential backoff (the subscription's retry policy) until a 2xx, dead-lettering after the
// policy's attempts. As Google documents, the number of pushes outstanding at once (the push
// window) starts small, grows with each success and shrinks on failure, so a backlog reaches the
// endpoint at the rate it acknowledges. Push faults (drop, duplicate, reorder, delay, hold) are
// applied per delivery; `hold` keeps pushes queued, as while an endpoint is unreachable.
import { randomBytes } from 'node:crypto';
import type { SimContext } from './context.ts';
import { grantsRole, type Policy, pubsubServiceAgent } from './pubsub-iam.ts';
import { PushPoster } from './pubsub-push.ts';

export interface PushConfig {
  pushEndpoint: string;
  oidcToken?: { serviceAccountEmail?: string; audience?: string } | null;
}

export interface SubscriptionConfig {
  name: string;
  topic: string;
  pushConfig: PushConfig | null;
  ackDeadlineSeconds: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  deadLetterTopic: string | null;
  maxDeliveryAttempts: number;
  raw: Record<string, unknown>;
}

export interface Pending {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  publishTime: Date;
  attempts: number;
  dueAt: number;
  ackId: string;
  leasedUntil: number;
}

export interface PullStream {
  subscription: string;
  send(messages: Pending[]): void;
}

export interface Sub extends SubscriptionConfig {
  policy: Policy;
  queue: Pending[];
  inFlight: Set<string>;
  /** Pushes allowed outstanding at once (the push window). */
  window: number;
}

/** The push window's bounds: it starts in single digits and grows with each acknowledged push. */
const INITIAL_PUSH_WINDOW = 4;
const MAX_PUSH_WINDOW = 1_000;

export class PubSubState {
  readonly topics = new Map<string, { policy: Policy }>();
  readonly subscriptions = new Map<string, Sub>();
  readonly streams = new Set<PullStream>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private deliverySoon = false;

  private readonly ctx: SimContext;
  private readonly poster: PushPoster;

  constructor(ctx: SimContext) {
    this.ctx = ctx;
    this.poster = new PushPoster(ctx);
    ctx.publish = (topic, data, attributes) => {
      if (!this.topics.has(topic)) return false;
      this.publish(topic, Buffer.from(JSON.stringify(data)), attributes ?? {});
      return true;
    };
    ctx.topicExists = (topic) => this.topics.has(topic);
    ctx.hasRole = (resource, role, member) => this.hasRole(resource, role, member);
    this.timer = setInterval(() => this.tick(), 20);
    this.timer.unref();
  }

  /** The IAM policy of a topic or subscription; undefined when there is no such resource. */
  policyOf(resource: string): Policy | undefined {
    return this.topics.get(resource)?.policy ?? this.subscriptions.get(resource)?.policy;
  }

  setPolicy(resource: string, policy: Policy): boolean {
    const holder = this.topics.get(resource) ?? this.subscriptions.get(resource);
    if (holder) holder.policy = policy;
    return holder !== undefined;
  }

  hasRole(resource: string, role: string, member: string): boolean {
    return grantsRole(this.policyOf(resource), role, member);
  }

  /**
   * Pub/Sub forwards to a dead-letter topic as the project's service agent, and only when that
   * agent may publish to the topic and subscribe to the subscription
   * (https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions);
   * otherwise the message keeps being redelivered.
   */
  private mayDeadLetter(sub: Sub): boolean {
    const agent = pubsubServiceAgent(this.ctx.projectNumber);
    return (
      sub.deadLetterTopic !== null &&
      this.hasRole(sub.deadLetterTopic, 'roles/pubsub.publisher', agent) &&
      this.hasRole(sub.name, 'roles/pubsub.subscriber', agent)
    );
  }

  /** Forwards a message out of its attempts to the dead-letter topic, when allowed; true if it went. */
  private deadLettered(sub: Sub, p: Pending): boolean {
    if (!sub.deadLetterTopic || p.attempts < sub.maxDeliveryAttempts || !this.mayDeadLetter(sub))
      return false;
    sub.queue.splice(sub.queue.indexOf(p), 1);
    if (this.topics.has(sub.deadLetterTopic))
      this.publish(sub.deadLetterTopic, p.data, p.attributes);
    return true;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
  }

  publish(topic: string, data: Buffer, attributes: Record<string, string>): string {
    const messageId = String(Date.now()) + randomBytes(3).toString('hex');
    const publishTime = new Date();
    for (const sub of this.subscriptions.values()) {
      if (sub.topic !== topic) continue;
      const push = this.ctx.faults.push ?? {};
      const copies =
        sub.pushConfig && this.ctx.random() < (push.drop ?? 0)
          ? 0
          : sub.pushConfig && this.ctx.random() < (push.duplicate ?? 0)
            ? 2
            : 1;
      // Counted as Gmail's own rate drops are: a test knows the push will never come.
      if (copies === 0) this.ctx.stats.pushes.dropped += 1;
      for (let i = 0; i < copies; i++) {
        let delay = sub.pushConfig ? (push.delay_ms ?? 0) : 0;
        // Reordering: hold this one back so later messages overtake it.
        if (sub.pushConfig && this.ctx.random() < (push.reorder ?? 0))
          delay += 100 + Math.floor(this.ctx.random() * 400);
        sub.queue.push({
          messageId,
          data,
          attributes,
          publishTime,
          attempts: 0,
          dueAt: Date.now() + delay,
          ackId: randomBytes(12).toString('hex'),
          leasedUntil: 0,
        });
      }
    }
    // Pushes go out at once rather than at the next tick.
    if (!this.deliverySoon) {
      this.deliverySoon = true;
      setImmediate(() => {
        this.deliverySoon = false;
        this.tick();
      });
    }
    return messageId;
  }

  ack(subscription: string, ackIds: string[]): void {
    const sub = this.subscriptions.get(subscription);
    if (!sub) return;
    const acked = new Set(ackIds);
    sub.queue = sub.queue.filter((p) => !acked.has(p.ackId));
  }

  modifyAckDeadline(subscription: string, ackIds: string[], seconds: number): void {
    const sub = this.subscriptions.get(subscription);
    for (const p of sub?.queue ?? []) {
      if (!ackIds.includes(p.ackId)) continue;
      p.leasedUntil = seconds === 0 ? 0 : Date.now() + seconds * 1000;
      // A nack ends the delivery: its ack id no longer extends or acknowledges anything.
      if (seconds === 0) p.ackId = randomBytes(12).toString('hex');
    }
  }

  /** Unary Pull: leases up to max messages now. */
  pull(subscription: string, max: number): Pending[] {
    const sub = this.subscriptions.get(subscription);
    if (!sub) return [];
    return this.lease(sub, max);
  }

  private lease(sub: Sub, max: number): Pending[] {
    const now = Date.now();
    const out: Pending[] = [];
    for (const p of [...sub.queue]) {
      if (out.length >= max) break;
      if (p.dueAt > now || p.leasedUntil > now) continue;
      if (this.deadLettered(sub, p)) continue;
      p.attempts += 1;
      // Each delivery has its own ack id: a late ack or modack of an earlier one has no effect.
      p.ackId = randomBytes(12).toString('hex');
      p.leasedUntil = now + sub.ackDeadlineSeconds * 1000;
      out.push(p);
    }
    return out;
  }

  private tick(): void {
    if (this.closed) return;
    for (const sub of this.subscriptions.values()) {
      if (sub.pushConfig) this.deliverPush(sub);
      else {
        const streams = [...this.streams].filter((s) => s.subscription === sub.name);
        if (streams.length === 0) continue;
        const leased = this.lease(sub, 100);
        if (leased.length > 0) streams[Math.floor(Math.random() * streams.length)]?.send(leased);
      }
    }
  }

  private deliverPush(sub: Sub): void {
    if (this.ctx.faults.push?.hold) return;
    const now = Date.now();
    for (const p of [...sub.queue]) {
      if (sub.inFlight.size >= sub.window) break;
      if (p.dueAt > now || sub.inFlight.has(p.ackId)) continue;
      if (this.deadLettered(sub, p)) continue;
      sub.inFlight.add(p.ackId);
      p.attempts += 1;
      void this.poster.post(sub, p).then((ok) => this.settle(sub, p, ok));
    }
  }

  private settle(sub: Sub, p: Pending, ok: boolean): void {
    sub.inFlight.delete(p.ackId);
    if (ok) {
      sub.window = Math.min(MAX_PUSH_WINDOW, sub.window + 1);
      const at = sub.queue.indexOf(p);
      if (at >= 0) sub.queue.splice(at, 1);
      this.ctx.stats.pushes.acked += 1;
      // The freed slot goes to the next waiting push now, not at the next tick.
      this.deliverPush(sub);
    } else {
      sub.window = Math.max(1, Math.floor(sub.window / 2));
      const backoff = Math.min(
        sub.maxBackoffMs,
        Math.max(sub.minBackoffMs, 50) * 2 ** (p.attempts - 1),
      );
      p.dueAt = Date.now() + backoff;
    }
  }

  createSubscription(config: SubscriptionConfig): Sub {
    const sub: Sub = {
      ...config,
      policy: { bindings: [], etag: randomBytes(8) },
      queue: [],
      inFlight: new Set(),
      window: INITIAL_PUSH_WINDOW,
    };
    this.subscriptions.set(config.name, sub);
    return sub;
  }
}
