// Signing as a service account without its key: IAM Credentials' signJwt
// (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/signJwt)
// signs with a key only Google holds; our runtime identity needs
// roles/iam.serviceAccountTokenCreator on the account. The IAM API says the account's OAuth 2.0
// client id (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/get),
// the number a Workspace admin authorises. Calls go as the runtime identity (application default
// credentials), or with none to the simulator, which asks none.
import { type AuthClient, GoogleAuth, PassThroughClient } from 'google-auth-library';
import { z } from 'zod';
import { googleEndpoints } from './clients.ts';

export interface ServiceAccountSigner {
  /** The claims signed by the account's Google-held key: a JWT. */
  signJwt(serviceAccount: string, claims: Record<string, unknown>): Promise<string>;
  /** The account's OAuth 2.0 client id (`oauth2ClientId`). */
  clientIdOf(serviceAccount: string): Promise<string>;
}

const signed = z.object({ keyId: z.string(), signedJwt: z.string().min(1) });
const account = z.object({ oauth2ClientId: z.string().optional(), uniqueId: z.string() });

type Requester = Pick<AuthClient, 'request'>;

export function makeServiceAccountSigner(emulatorHost: string | undefined): ServiceAccountSigner {
  const endpoints = googleEndpoints(emulatorHost);
  const transporterOptions = { fetchImplementation: fetch };
  const client: Requester = emulatorHost
    ? new PassThroughClient({ transporterOptions })
    : new GoogleAuth({
        scopes: ['https://www.googleapis.com/auth/cloud-platform'],
        clientOptions: { transporterOptions },
      });
  const name = (email: string) => `projects/-/serviceAccounts/${encodeURIComponent(email)}`;
  return {
    async signJwt(serviceAccount, claims) {
      const res = await client.request({
        url: `${endpoints.iamCredentials}v1/${name(serviceAccount)}:signJwt`,
        method: 'POST',
        data: { payload: JSON.stringify(claims) },
        retry: false,
      });
      return signed.parse(res.data).signedJwt;
    },
    async clientIdOf(serviceAccount) {
      const res = await client.request({
        url: `${endpoints.iam}v1/${name(serviceAccount)}`,
        retry: false,
      });
      const found = account.parse(res.data);
      return found.oauth2ClientId ?? found.uniqueId;
    },
  };
}
