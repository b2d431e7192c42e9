// A Workspace domain's users, from the Admin SDK Directory API's users.list
// (https://developers.google.com/workspace/admin/directory/reference/rest/v1/users/list), read as
// the domain's administrator: paged, 500 a page; deleted users are not listed, suspended ones are.
import { admin } from '@googleapis/admin';
import type { OAuth2Client } from 'google-auth-library';
import { type GoogleConfig, googleEndpoints } from './clients.ts';

/** The scope the admin authorises for reading the directory (read-only: we never change it). */
export const DIRECTORY_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';

/** 200 pages of 500: a domain of 100,000 users, which bounds a directory that never ends. */
const MAX_PAGES = 200;

export interface DirectoryUser {
  /** Lower-cased primary address. */
  email: string;
  suspended: boolean;
}

export async function listDomainUsers(
  google: GoogleConfig,
  auth: OAuth2Client,
  domain: string,
): Promise<DirectoryUser[]> {
  const directory = admin({
    version: 'directory_v1',
    auth,
    rootUrl: googleEndpoints(google.emulatorHost).adminRoot,
    retry: false,
    fetchImplementation: fetch,
  });
  const users: DirectoryUser[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { data } = await directory.users.list({
      domain,
      maxResults: 500,
      ...(pageToken ? { pageToken } : {}),
    });
    for (const u of data.users ?? []) {
      if (u.primaryEmail)
        users.push({ email: u.primaryEmail.toLowerCase(), suspended: u.suspended === true });
    }
    pageToken = data.nextPageToken ?? undefined;
    if (!pageToken) break;
  }
  return users;
}
