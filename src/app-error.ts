// The one error type for expected failures: a stable code, an HTTP status and a message safe to show.
// Anything thrown that is not an AppError is a bug: logged with its stack, answered 500 without detail.

export interface AppErrorOptions {
  status?: number;
  /** A failure that leaves the process unable to go on (stop it rather than serve on). */
  isCatastrophic?: boolean;
  cause?: unknown;
  /** Extra, non-secret fields for the client (e.g. `retry_after_s`). */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  override name = 'AppError';
  readonly code: string;
  readonly status: number;
  readonly isCatastrophic: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.status = opts.status ?? 400;
    this.isCatastrophic = opts.isCatastrophic ?? false;
    this.details = opts.details;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
