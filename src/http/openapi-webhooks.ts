// The events the CRM receives, as the OpenAPI document's webhooks: one per type of the events
// table (events/event-types.ts), its body the envelope deliver-events.ts posts with the type's
// payload schema. A receiver answers any 2xx; anything else is retried.
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ALL_EVENT_TYPES, EVENT_TYPES } from '../events/event-types.ts';

export function registerEventWebhooks(registry: OpenAPIRegistry): void {
  for (const type of ALL_EVENT_TYPES) {
    const { about, payload } = EVENT_TYPES[type];
    const schemaName = `Event_${type.replace(/\./g, '_')}`;
    const envelope = z.object({
      id: z.uuid(),
      type: z.literal(type),
      time: z.iso.datetime(),
      org_id: z.string(),
      payload,
    });
    const { $schema: _, ...schema } = z.toJSONSchema(envelope, { io: 'output' });
    const component = schema as Parameters<OpenAPIRegistry['registerComponent']>[2];
    const { ref } = registry.registerComponent('schemas', schemaName, component);
    registry.registerWebhook({
      method: 'post',
      path: type,
      summary: about,
      request: {
        headers: z.object({
          'x-gmail-sync-signature': z.string().describe('t=<unix seconds>,v1=<hex HMAC-SHA256>'),
          'x-event-id': z.uuid(),
        }),
        body: {
          content: {
            'application/json': { schema: ref },
          },
        },
      },
      responses: { 204: { description: 'received (any 2xx)' } },
    });
  }
}
