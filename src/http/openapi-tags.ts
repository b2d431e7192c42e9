// The headings of the API reference (/docs): every operation sits under one, chosen by its path,
// so a route added later lands under the right heading without being told.

export const TAGS = [
  { name: 'connection', description: "Connecting a user's Gmail, its status, settings and sync" },
  { name: 'send', description: "Sending through the user's Gmail, logged once" },
  { name: 'activities', description: "An entity's timeline and one activity's content" },
  { name: 'threads', description: 'A conversation, oldest first' },
  { name: 'org', description: "The org's rules and people (admin token)" },
  { name: 'crm', description: 'What the CRM tells the service about its records' },
  { name: 'push', description: "Google's notifications (no CRM token: Google's own)" },
  { name: 'health', description: 'Probes and metrics for the orchestrator' },
  { name: 'pages', description: 'Pages for people: the admin view, this reference, sign-in' },
] as const;

export type Tag = (typeof TAGS)[number]['name'];

/** First match wins: the more specific prefixes come first. */
const BY_PREFIX: [RegExp, Tag][] = [
  [/^\/integrations\/gmail\/(send|scheduled)/, 'send'],
  [/^\/u\//, 'send'],
  [/^\/integrations\//, 'connection'],
  [/^\/activities/, 'activities'],
  [/^\/threads/, 'threads'],
  [/^\/org\//, 'org'],
  [/^\/crm\//, 'crm'],
  [/^\/(pubsub|google)\//, 'push'],
  [/^\/(healthz|readyz|metrics)$/, 'health'],
];

export function tagOf(path: string): Tag {
  return BY_PREFIX.find(([prefix]) => prefix.test(path))?.[1] ?? 'pages';
}
