// The service account the Workspace tests configure (GOOGLE_DELEGATION_SERVICE_ACCOUNT) and every
// scope a simulated Workspace admin authorises for it, as docs/workspace.md lists them.
export const SA = 'gmail-sync@crm-prod.iam.gserviceaccount.com';
export const SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/gmail.readonly',
  'https://www.googleapis.com/auth/gmail.send',
  // Asked as a user's consent asks it, with SYNC_CALENDAR on (the default).
  'https://www.googleapis.com/auth/calendar.events.readonly',
];
