// Hard or soft. A hard bounce says the address itself is bad (no such user, no such domain, the
// mailbox gone): the org stops writing to it (suppression). A soft one says delivery failed or
// waits for a reason that can pass or is not the address's fault: a full mailbox, a temporary
// failure, a delay, and — though their codes are permanent (5.x.x) — refusals of the sender or the
// content (Gmail's own daily sending limit, spam or policy blocks, a message too large), where
// suppressing the recipient would punish the wrong party. Unrecognised failures are soft: a
// suppression wrongly added costs a lost customer, one missed costs a second bounce.
// Status codes are RFC 3463's (class.subject.detail); the words are the servers' own, in the
// forms the corpus in test/outcomes/bounce-corpus.ts shows.

export type BounceKind = 'hard' | 'soft';

export interface BounceFacts {
  /** RFC 3464 Action, lower case, when a delivery-status part gave one. */
  action?: string | undefined;
  /** RFC 3463 status, e.g. `5.1.1`. */
  status?: string | null | undefined;
  /** The server's words: Diagnostic-Code, or the lines a notice gave for the recipient. */
  diagnostic?: string | null | undefined;
}

const SOFT_WORDS =
  /mailbox (is )?full|over ?quota|quota (exceeded|exceded)|exceeded (its|the|their)? ?(storage|quota)|insufficient (system )?storage|mailfolder is over|temporar|try (again )?later|deferred|greylist|rate[- ]limit|too many (messages|connections|recipients)|sending limit|message (size|is too (large|big))|too large|size limit|timed? ?out|retry time ?out|delivery (is )?delayed|spam|blocked|blacklist|block ?list|policy|reputation|not authori[sz]ed to send|unauthenticated|dmarc|spf|dkim/i;

const HARD_WORDS =
  /user ?unknown|unknown (user|recipient|mailbox|address)|no such (user|recipient|mailbox|address|person|domain)|mailbox (is )?(unavailable|not found|does not exist|disabled|inactive)|does ?n[o']t exist|doesn't have an? [\w.]+ account|address (rejected|not found|unknown|couldn't be found|could not be found|invalid)|recipient (address )?(rejected|not found|unknown|invalid)|recipientnotfound|invalid (recipient|mailbox|address)|(account|mailbox) (has been |is )?(disabled|deactivated|closed|suspended|deleted|expired)|not (a )?valid (recipient|mailbox|address)|no mailbox here|undeliverable address|(host|domain) (or domain name )?not found|domain (does not exist|not found)|unrouteable|name or service not known|no longer (available|active|with)/i;

export function bounceKind(facts: BounceFacts): BounceKind {
  const action = (facts.action ?? '').toLowerCase();
  if (action === 'delayed') return 'soft';
  const status = facts.status ?? '';
  const words = facts.diagnostic ?? '';
  if (status.startsWith('4.')) return 'soft';
  if (SOFT_WORDS.test(words)) return 'soft';
  // Mailbox full (x.2.2), message too big (x.3.4), the sender's limits (x.4.5 at Gmail) and
  // security or policy (x.7.x): failures, not a bad address.
  if (/^5\.(2\.2|3\.4|4\.5|7\.\d+)$/.test(status)) return 'soft';
  if (HARD_WORDS.test(words)) return 'hard';
  if (status.startsWith('5.')) return 'hard';
  // A bare SMTP reply code in the words: 5xx permanent, anything else not proven permanent.
  if (/(^|\D)5[0-5]\d(\D|$)/.test(words) && !/(^|\D)4\d\d(\D|$)/.test(words)) return 'hard';
  return 'soft';
}
