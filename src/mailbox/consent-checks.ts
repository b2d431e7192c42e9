// What a completed consent must prove before its mailbox is stored: the CRM user finishing it is the
// one who started it, the account is the one asked for, and Gmail read access was granted. A refused
// consent gives the grant back to Google at once, so no token outlives the refusal.
import type { Credentials, OAuth2Client } from 'google-auth-library';
import { AppError } from '../app-error.ts';
import type { Logger } from '../logger.ts';

export const READONLY_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
export const SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';
/** Meetings (src/calendar/): read-only, events only; optional, as gmail.send is. */
export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events.readonly';

export interface StateStarter {
  orgId: string;
  userId: string;
}

/** The CRM user finishing the connection must be the one the state was issued to. */
export function checkFinisher(starter: StateStarter, finisher: StateStarter | undefined): void {
  if (!finisher) return;
  if (finisher.orgId !== starter.orgId || finisher.userId !== starter.userId) {
    throw new AppError(
      'state_user_mismatch',
      'this Gmail link was started by another user; connect from your own account',
    );
  }
}

/**
 * Gmail lets the user untick scopes on the consent screen (granular consent):
 * https://developers.google.com/identity/protocols/oauth2/resources/granular-permissions.
 * Without gmail.readonly nothing can be synced; without gmail.send the mailbox is read-only.
 */
export function checkGrantedScopes(granted: string[]): void {
  if (!granted.includes(READONLY_SCOPE)) {
    throw new AppError(
      'scope_missing',
      'Gmail read access was not granted (gmail.readonly); connect again and allow it',
    );
  }
}

/** `login_hint` only preselects an account: the user may pick another one on Google's screen. */
export function checkAccount(loginHint: string | null, email: string): void {
  if (loginHint && canonicalAddress(loginHint) !== canonicalAddress(email)) {
    throw new AppError(
      'account_mismatch',
      `Google returned another account than ${loginHint}; connect again and choose that account`,
    );
  }
}

/** Gmail ignores dots in the local part and treats googlemail.com as gmail.com. */
function canonicalAddress(address: string): string {
  const [local = '', domain = ''] = address
    .trim()
    .toLowerCase()
    .split(/@(?=[^@]*$)/);
  if (domain === 'gmail.com' || domain === 'googlemail.com') {
    return `${local.replaceAll('.', '')}@gmail.com`;
  }
  return `${local}@${domain}`;
}

/**
 * Revokes the grant just issued (the refresh token, or the access token when there is none: Google
 * revokes the refresh token behind an access token too,
 * https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke).
 * Best effort: a failure is logged, and the refusal still stands.
 */
export async function revokeIssuedGrant(
  oauth: OAuth2Client,
  tokens: Credentials,
  log: Logger,
): Promise<void> {
  const token = tokens.refresh_token ?? tokens.access_token;
  if (!token) return;
  try {
    await oauth.revokeToken(token);
    log.info('refused consent: grant revoked at Google');
  } catch (err) {
    const status = (err as { response?: { status?: number } }).response?.status;
    log.warn({ status }, 'refused consent: the grant could not be revoked at Google');
  }
}
