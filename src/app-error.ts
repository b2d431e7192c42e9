// The one error type for expected failures: a stable code, an HTTP status and a message safe to show.
// Anything thrown that is not an AppError is a bug: logged with its stack, answered 500 without detail.

/** Every error code the API answers, with its HTTP status: the one table of both. */
export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_cursor: 400,
  state_invalid: 400,
  state_reused: 400,
  state_expired: 400,
  code_missing: 400,
  code_exchange_failed: 400,
  access_denied: 400,
  oauth_error: 400,
  no_refresh_token: 400,
  account_mismatch: 400,
  scope_missing: 400,
  unauthorized: 401,
  forbidden: 403,
  state_user_mismatch: 403,
  not_found: 404,
  mailbox_not_connected: 404,
  address_taken: 409,
  workspace_taken: 409,
  address_connected: 409,
  already_connected: 409,
  mailbox_revoked: 409,
  mailbox_needs_admin: 409,
  request_in_flight: 409,
  already_sent: 409,
  already_failed: 409,
  payload_too_large: 413,
  entity_not_found: 422,
  gmail_rejected: 422,
  idempotency_key_reused: 422,
  reply_to_not_found: 422,
  reply_to_unusable: 422,
  invalid_sender: 422,
  suppressed: 422,
  too_many_scheduled: 422,
  rate_limited: 429,
  quota_exceeded: 429,
  daily_send_limit: 429,
  internal: 500,
  profile_failed: 502,
  send_outcome_unknown: 502,
  /** A send answered `unknown` that Gmail, asked until its search had caught up, never had. */
  send_failed: 502,
  unavailable: 503,
  delegation_unconfigured: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  /**
   * Only where the contract gives one code two statuses (`scope_missing`: 400 at connect, 403 on a
   * send from a read-only mailbox); everything else takes the table's.
   */
  status?: number;
  /** A failure that leaves the process unable to go on (stop it rather than serve on). */
  isCatastrophic?: boolean;
  cause?: unknown;
  /** Extra, non-secret fields for the client (e.g. `retry_after_s`). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly isCatastrophic: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = opts.status ?? ERROR_STATUS[code];
    this.isCatastrophic = opts.isCatastrophic ?? false;
    this.details = opts.details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
