// pino, with secrets redacted by configuration: known secret fields by path, errors reduced to safe
// fields, and a last pass over every line for anything shaped like a Google token. JSON lines for
// machines; on a developer's terminal, the same lines made readable by pino's own pretty printer.
import { fileURLToPath } from 'node:url';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  '*.Authorization',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.id_token',
  '*.client_secret',
  '*.code_verifier',
  '*.token',
  '*.password',
  '*.secret',
];

// Google access tokens start `ya29.`, refresh tokens `1//`, OAuth codes `4/`; JWTs are three base64url parts.
const TOKEN_SHAPES = /ya29\.[\w.-]+|1\/\/[\w.-]+|\b4\/[\w-]{10,}|eyJ[\w-]+\.[\w-]+\.[\w-]+/g;

export function scrubSecrets(text: string): string {
  return text.replace(TOKEN_SHAPES, '[REDACTED]');
}

/** Errors carry request configs (headers, bodies with tokens): keep only what helps a reader. */
function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrubSecrets(String(err)) };
  const e = err as Error & { code?: unknown; status?: unknown; cause?: unknown };
  const out: Record<string, unknown> = {
    type: e.name,
    message: scrubSecrets(e.message),
    stack: e.stack ? scrubSecrets(e.stack) : undefined,
  };
  if (e.code !== undefined) out.code = e.code;
  if (typeof e.status === 'number') out.status = e.status;
  if (e.cause instanceof Error) out.cause = serializeError(e.cause);
  return out;
}

export interface LoggerSettings {
  level?: string;
  base?: Record<string, unknown>;
  /** Readable lines when stdout is a terminal and pino-pretty (a dev dependency) is installed. */
  pretty?: boolean;
}

export function createLogger(opts: LoggerSettings = {}, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: opts.level ?? 'info',
    base: opts.base ?? { service: 'gmail-sync' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    serializers: { err: serializeError, error: serializeError },
    hooks: {
      streamWrite: scrubSecrets,
    },
  };
  if (destination) return pino(options, destination);
  const prettyPrinter = opts.pretty && process.stdout.isTTY ? findPrettyPrinter() : undefined;
  if (!prettyPrinter) return pino(options);
  // The transport gets lines already redacted and scrubbed (streamWrite runs before it).
  return pino({
    ...options,
    transport: {
      target: prettyPrinter,
      options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service,role' },
    },
  });
}

/** pino-pretty is a dev dependency: absent from a production install, and then not wanted. */
function findPrettyPrinter(): string | undefined {
  try {
    return fileURLToPath(import.meta.resolve('pino-pretty'));
  } catch {
    return undefined;
  }
}
