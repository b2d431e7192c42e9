// Gmail's quota, as Google documents it (https://developers.google.com/gmail/api/reference/quota):
// each method costs units; each user may spend a number of units a minute. Projects created from
// 2026-05-01 have the tighter `2026` profile.
export type QuotaProfile = '2026' | '2025';

export type GmailMethod =
  | 'messages.get'
  | 'messages.list'
  | 'messages.send'
  | 'messages.insert'
  | 'messages.import'
  | 'messages.attachments.get'
  | 'threads.get'
  | 'history.list'
  | 'getProfile'
  | 'watch'
  | 'stop'
  | 'labels.list'
  | 'settings.sendAs.list';

const COMMON: Record<GmailMethod, number> = {
  'messages.get': 5,
  'messages.attachments.get': 5,
  'threads.get': 10,
  'messages.list': 5,
  'history.list': 2,
  getProfile: 1,
  'messages.insert': 25,
  'messages.import': 25,
  'messages.send': 100,
  watch: 100,
  stop: 50,
  'labels.list': 1,
  'settings.sendAs.list': 1,
};

const PROFILE_2026: Partial<Record<GmailMethod, number>> = {
  'messages.get': 20,
  'messages.attachments.get': 20,
  'threads.get': 40,
};

const PER_USER_PER_MINUTE: Record<QuotaProfile, number> = { '2026': 6_000, '2025': 15_000 };

export function quotaCost(profile: QuotaProfile, method: GmailMethod): number {
  return (profile === '2026' ? PROFILE_2026[method] : undefined) ?? COMMON[method];
}

export function perUserUnitsPerSecond(profile: QuotaProfile): number {
  return PER_USER_PER_MINUTE[profile] / 60;
}
