// A Cloud project's number, which names its Pub/Sub service agent. Read from Resource Manager's
// projects.get (https://cloud.google.com/resource-manager/reference/rest/v1/projects/get) with the
// operator's application default credentials, or from the simulator when one is in use.
import { GoogleAuth } from 'google-auth-library';
import { z } from 'zod';

const projectAnswer = z.object({ projectNumber: z.string().regex(/^\d+$/) });

export async function lookUpProjectNumber(
  projectId: string,
  emulatorHost: string | undefined,
): Promise<string> {
  const path = `/v1/projects/${encodeURIComponent(projectId)}`;
  if (emulatorHost) {
    const res = await fetch(`http://${emulatorHost}${path}`);
    if (!res.ok) throw new Error(`projects.get ${projectId} answered ${res.status}`);
    return projectAnswer.parse(await res.json()).projectNumber;
  }
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  const res = await auth.request({ url: `https://cloudresourcemanager.googleapis.com${path}` });
  return projectAnswer.parse(res.data).projectNumber;
}
