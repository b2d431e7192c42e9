// A display name the service writes into a From header on a user's behalf (the CRM token's `name`,
// the name kept with a mailbox). A name that looks like an address would make the mail read as
// from someone else (`"security@paypal.com" <alice@vendor.test>` shows "security@paypal.com" in
// most clients), so a name with `@` (in any width), angle brackets, quotes, backslashes, control
// or invisible format characters (bidi overrides) is not used at all: the address alone is shown.

const MAX_NAME_CHARS = 100;
const UNSAFE = /[@<>"'`\\\p{Cc}\p{Cf}\u2028\u2029]/u;

/** The name, trimmed, or undefined when it is missing, too long or could pass for something else. */
export function safeDisplayName(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME_CHARS) return undefined;
  // NFKC folds look-alikes such as the fullwidth ＠ into the character they imitate.
  return UNSAFE.test(trimmed.normalize('NFKC')) ? undefined : trimmed;
}
