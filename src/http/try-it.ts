// The "try it" block that ends the start-up log in development: what a newcomer can open and run
// next, and nothing secret (a token would be scrubbed from the log anyway: the command prints one).
import type { Config } from '../config.ts';
import { DEV_SIGN_IN_PATH } from './dev-sign-in.ts';

const DEFAULT_URL = 'http://localhost:8080';

/** The block, or undefined where it has no place: production, or real Google credentials. */
export function tryItBlock(config: Config): string | undefined {
  if (config.production || !config.google.useSimulator) return undefined;
  const url = config.publicUrl;
  // The CLI reads PUBLIC_URL and PORT like the service; --url spares retyping a non-default one.
  const urlFlag = url === DEFAULT_URL ? '' : ` --url ${url}`;
  const admin = config.crm.usesDevSecret
    ? `${url}${DEV_SIGN_IN_PATH}  (then ${url}/admin)`
    : `${url}/admin  (with an admin CRM token)`;
  const lines: [string, string][] = [
    [
      '1. connect a simulated mailbox and deliver it a mail:',
      `npx gmail-sync try-mailbox${urlFlag}`,
    ],
    ['2. sign in and see the mailbox and its activity:', admin],
    ['3. the API reference, with "try it out":', `${url}/docs`],
    ['   its "Authorize" button takes a CRM token:', 'npx gmail-sync dev-token --admin'],
  ];
  return ['try it:', ...lines.map(([what, how]) => `  ${what.padEnd(56)}${how}`)].join('\n');
}
