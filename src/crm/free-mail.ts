// Free-mail domains (gmail.com, outlook.com, …): a domain many unrelated people share, so it names
// no company and is no one's "own" domain. The list is the maintained `email-providers` package
// (about 8,800 domains of mail providers, updated monthly), not a hand-typed one.
import providers from 'email-providers/all.json' with { type: 'json' };

const FREE_MAIL: ReadonlySet<string> = new Set((providers as string[]).map((d) => d.toLowerCase()));

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL.has(domain.toLowerCase());
}
