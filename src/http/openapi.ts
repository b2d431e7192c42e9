// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';

import { ORG_ROUTES } from './openapi-org-routes.ts';
import { OTHER_ROUTES } from './openapi-other-routes.ts';
import { INTEGRATION_ROUTES } from './openapi-routes.ts';

export const ROUTES: RouteConfig[] = [...INTEGRATION_ROUTES, ...OTHER_ROUTES, ...ORG_ROUTES];

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
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'gmail-sync',
      version: '0.1.0',
      description: "Keeps a CRM's email history complete and current through Gmail push.",
    },
    servers: [{ url: publicUrl }],
  });
}
