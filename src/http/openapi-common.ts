// What every route description of the OpenAPI document shares: JSON bodies, error answers, the
// CRM bearer.
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { errorBody } from './openapi-views.ts';

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), json(errorBody, `error ${s}`)]));

export const crm = [{ crmBearer: [] }];
export type { RouteConfig };

/** An operation's example for the reference (see openapi-examples.ts). */
export interface OperationExample {
  /** The JSON body sent, for an operation that takes one. */
  request?: unknown;
  /** The JSON answered with the operation's success status, for one that answers JSON. */
  response?: unknown;
}
