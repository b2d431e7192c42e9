// A scheduled mail at rest: the composed message and what logging it needs, sealed by the vault
// with a data key of its own and the row's id as associated data (a copy moved to another row
// does not open). Mail bodies and attachments are the most sensitive thing the service holds
// after tokens, and a scheduled mail waits up to 30 days, so it is not kept in clear; the listing
// needs only the recipients and subject, which activities keep in clear anyway. Layout inside the
// seal: 4-byte big-endian JSON length, the JSON (OutgoingRecord), then the raw message bytes.
import type { OutgoingRecord } from '../send/outgoing-mail.ts';
import type { SealedTokens, Vault } from '../vault/vault.ts';

export interface MailAtRest {
  record: OutgoingRecord;
  raw: Buffer;
}

export async function sealMail(vault: Vault, scheduledId: string, mail: MailAtRest) {
  const json = Buffer.from(JSON.stringify(mail.record), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(json.length);
  return vault.sealData(`scheduled:${scheduledId}`, Buffer.concat([head, json, mail.raw]));
}

export async function openMail(
  vault: Vault,
  scheduledId: string,
  sealed: SealedTokens,
): Promise<MailAtRest> {
  const plain = await vault.openData(`scheduled:${scheduledId}`, sealed);
  const length = plain.readUInt32BE(0);
  const record = JSON.parse(plain.subarray(4, 4 + length).toString('utf8')) as OutgoingRecord;
  return { record, raw: Buffer.from(plain.subarray(4 + length)) };
}
