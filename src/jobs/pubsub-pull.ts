// Pull mode, for deployments with no public endpoint: the worker streams PUBSUB_SUBSCRIPTION and
// feeds each notification to the same enqueue path as the push endpoint, acking only after the job
// is committed; a database error nacks, so Pub/Sub redelivers.
import type { Message, PubSub, Subscription } from '@google-cloud/pubsub';
import type { Pool } from 'pg';
import type { Timings } from '../config-timings.ts';
import type { Db } from '../db/database.ts';
import { readNotificationData } from '../ingest/notification-input.ts';
import {
  deadLetterPush,
  makeNotificationRecorder,
  type NotificationRecorder,
} from '../ingest/notifications.ts';
import type { Logger } from '../logger.ts';

export interface PullConsumer {
  close(): Promise<void>;
}

export function startPullConsumer(
  deps: { db: Db; pool: Pool; log: Logger; pubsub: PubSub; timings: Timings },
  subscriptionName: string,
): PullConsumer {
  const subscription: Subscription = deps.pubsub.subscription(subscriptionName, {
    // Bounded in-flight work: each message is one short transaction.
    flowControl: { maxMessages: 100, allowExcessMessages: false },
  });
  const log = deps.log.child({ component: 'pubsub-pull', subscription: subscriptionName });
  const notifications = makeNotificationRecorder(deps.pool, deps.timings);
  subscription.on('message', (message: Message) => {
    void handle(deps.db, notifications, message).then(
      () => message.ack(),
      (err: unknown) => {
        log.warn({ err }, 'could not queue a pulled notification; nacked for redelivery');
        message.nack();
      },
    );
  });
  subscription.on('error', (err: unknown) => log.error({ err }, 'subscription stream failed'));
  log.info('pulling Gmail notifications');
  return { close: () => subscription.close() };
}

/** A malformed message is dead-lettered and acked alone; only a database error nacks. */
async function handle(
  db: Db,
  notifications: NotificationRecorder,
  message: Message,
): Promise<void> {
  const read = readNotificationData(message.data);
  if (!read.ok) {
    await deadLetterPush(db, read.reason, { message_id: message.id, ...read.payload });
    return;
  }
  await notifications.record(read.value);
}
