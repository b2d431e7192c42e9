// The API reference a newcomer reads at /docs: every operation under a heading of its own kind,
// and every operation that takes or answers JSON shown with an example that the route's own zod
// schema accepts (so an example cannot drift from what the route really takes and answers).
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument, exampleOf, ROUTES } from '../../src/http/openapi.ts';
import { TAGS } from '../../src/http/openapi-tags.ts';

const name = (route: RouteConfig) => `${route.method.toUpperCase()} ${route.path}`;
const jsonSchema = (content: unknown): z.ZodType | undefined => {
  const schema = (content as { 'application/json'?: { schema?: unknown } } | undefined)?.[
    'application/json'
  ]?.schema;
  return schema instanceof z.ZodType ? schema : undefined;
};
const successOf = (route: RouteConfig) =>
  Object.entries(route.responses).find(([status]) => status.startsWith('2'))?.[1] as
    | { content?: unknown }
    | undefined;

describe('the API reference', () => {
  it('when /docs renders the document, then operations are grouped under the declared headings, none under "default"', () => {
    const doc = buildOpenApiDocument('http://localhost') as {
      tags: { name: string }[];
      paths: Record<string, Record<string, { tags?: string[] }>>;
    };
    const declared = TAGS.map((t) => t.name);
    expect(doc.tags.map((t) => t.name)).toEqual(declared);
    const used = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.tags, `${method} ${path}`).toHaveLength(1);
        expect(declared, `${method} ${path}`).toContain(op.tags?.[0]);
        used.add(op.tags?.[0] ?? '');
      }
    }
    for (const tag of ['connection', 'send', 'activities', 'threads', 'org', 'push', 'health']) {
      expect(used, tag).toContain(tag);
    }
  });

  it('when an operation takes a JSON body, then it has an example request that its schema accepts', () => {
    for (const route of ROUTES) {
      const schema = jsonSchema(route.request?.body?.content);
      if (!schema) continue;
      const example = exampleOf(route)?.request;
      expect(example, `${name(route)}: example request`).toBeDefined();
      const parsed = schema.safeParse(example);
      expect(parsed.success, `${name(route)}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('when an operation answers JSON, then it has an example answer that its schema accepts', () => {
    for (const route of ROUTES) {
      const schema = jsonSchema(successOf(route)?.content);
      if (!schema) continue;
      const example = exampleOf(route)?.response;
      expect(example, `${name(route)}: example answer`).toBeDefined();
      const parsed = schema.safeParse(example);
      expect(parsed.success, `${name(route)}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('when the document is served, then the examples are in it', () => {
    const doc = JSON.stringify(buildOpenApiDocument('http://localhost'));
    expect(doc).toContain('"example":{"to":["\\"Bruno Lima\\" <bruno@cliente.com.br>"]');
  });
});
