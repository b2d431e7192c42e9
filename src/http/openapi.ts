// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { OperationExample } from './openapi-common.ts';
import { EXAMPLES } from './openapi-examples.ts';
import { ORG_ROUTES } from './openapi-org-routes.ts';
import { OTHER_ROUTES } from './openapi-other-routes.ts';
import { INTEGRATION_ROUTES } from './openapi-routes.ts';
import { SEQUENCE_ROUTES } from './openapi-sequences-routes.ts';
import { TAGS, tagOf } from './openapi-tags.ts';
import { registerEventWebhooks } from './openapi-webhooks.ts';

export const ROUTES: RouteConfig[] = [
  ...INTEGRATION_ROUTES,
  ...SEQUENCE_ROUTES,
  ...OTHER_ROUTES,
  ...ORG_ROUTES,
].map(withTagAndExample);

export function buildOpenApiDocument(publicUrl: string): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'crmBearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  registry.registerComponent('securitySchemes', 'pubsubOidc', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'OIDC ID token signed by Google',
  });
  for (const route of ROUTES) registry.registerPath(route);
  registerEventWebhooks(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    tags: TAGS.map((tag) => ({ ...tag })),
    info: {
      title: 'gmail-sync',
      version: '0.1.0',
      description: "Keeps a CRM's email history complete and current through Gmail push.",
    },
    servers: [{ url: publicUrl }],
  });
}

/** The operation's example request and answer (openapi-examples.ts), for /docs to show. */
export function exampleOf(route: RouteConfig): OperationExample | undefined {
  return EXAMPLES[`${route.method.toUpperCase()} ${route.path}`];
}

function withTagAndExample(route: RouteConfig): RouteConfig {
  const example = exampleOf(route);
  const body = route.request?.body?.content['application/json'];
  const success = Object.entries(route.responses).find(([status]) => status.startsWith('2'));
  const answer = success?.[1] as { content?: Record<string, object> } | undefined;
  const answerJson = answer?.content?.['application/json'];
  return {
    ...route,
    tags: route.tags ?? [tagOf(route.path)],
    ...(body && example?.request !== undefined
      ? {
          request: {
            ...route.request,
            body: {
              ...route.request?.body,
              content: { 'application/json': { ...body, example: example.request } },
            },
          },
        }
      : {}),
    ...(success && answerJson && example?.response !== undefined
      ? {
          responses: {
            ...route.responses,
            [success[0]]: {
              ...answer,
              content: { 'application/json': { ...answerJson, example: example.response } },
            },
          },
        }
      : {}),
  };
}
