// One push delivery (https://cloud.google.com/pubsub/docs/push): Google's push body, with an OIDC
// token when the subscription names a service account, POSTed to the endpoint; a 102/200/201/202/204
// acknowledges it, anything else (or no answer within the ack deadline) asks for redelivery.
import type { SimContext } from './context.ts';
import type { Pending, PushConfig, Sub } from './pubsub.ts';

/** A push token is reused for this long, as Google reuses one across pushes (it lives an hour). */
const PUSH_TOKEN_REUSE_MS = 10 * 60_000;

export class PushPoster {
  private readonly ctx: SimContext;
  private readonly tokens = new Map<string, { token: Promise<string>; until: number }>();

  constructor(ctx: SimContext) {
    this.ctx = ctx;
  }

  async post(sub: Sub, p: Pending): Promise<boolean> {
    const config = sub.pushConfig as PushConfig;
    this.ctx.stats.pushes.sent += 1;
    const body = {
      message: {
        data: p.data.toString('base64'),
        attributes: p.attributes,
        messageId: p.messageId,
        message_id: p.messageId,
        publishTime: p.publishTime.toISOString(),
        publish_time: p.publishTime.toISOString(),
      },
      subscription: sub.name,
      deliveryAttempt: p.attempts,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.oidcToken?.serviceAccountEmail) {
      const aud = config.oidcToken.audience || config.pushEndpoint;
      headers.authorization = `Bearer ${await this.token(aud, config.oidcToken.serviceAccountEmail)}`;
    }
    try {
      const res = await fetch(config.pushEndpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(sub.ackDeadlineSeconds * 1000),
      });
      await res.arrayBuffer().catch(() => undefined);
      return [102, 200, 201, 202, 204].includes(res.status);
    } catch {
      return false;
    }
  }

  /** Google reuses a push token across pushes until near its expiry; so does the simulator. */
  private token(aud: string, email: string): Promise<string> {
    const key = `${aud} ${email}`;
    const known = this.tokens.get(key);
    if (known && known.until > Date.now()) return known.token;
    const token = this.ctx.mintOidcToken(aud, email);
    this.tokens.set(key, { token, until: Date.now() + PUSH_TOKEN_REUSE_MS });
    return token;
  }
}
