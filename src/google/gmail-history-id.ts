// Gmail's current historyId of a mailbox (users.getProfile, 1 quota unit): what a check or a probing
// sync compares with the cursor to learn, at the least cost, whether anything changed.
import type { Gmail } from './clients.ts';
import { callGmail } from './gmail-call.ts';
import type { Pacer } from './mailbox-pacer.ts';

export async function gmailHistoryId(gmail: Gmail, pacer: Pacer): Promise<number> {
  const { data } = await callGmail(pacer, 'getProfile', () =>
    gmail.users.getProfile({ userId: 'me' }),
  );
  const historyId = Number(data.historyId);
  if (!Number.isSafeInteger(historyId)) throw new Error('getProfile answered without a historyId');
  return historyId;
}
