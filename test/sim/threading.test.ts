import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { deliver, faults, gmailFor, SCOPES } from '../support/sim-gmail.ts';

const OWNER = 'threads@sim.test';
const encoded = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`;
const b64 = (raw: string) => Buffer.from(raw).toString('base64url');

describe('the simulated Gmail, threading as a reader sees subjects', () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER, [
      ...SCOPES,
      'https://www.googleapis.com/auth/gmail.modify',
    ]));
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const original = (n: number) =>
    deliver(
      sim,
      OWNER,
      `From: c@client.test\r\nTo: ${OWNER}\r\nSubject: =?ISO-8859-1?Q?D=FAvida_sobre_contrato?=\r\nMessage-ID: <orig${n}@client.test>\r\n\r\nhi`,
    );
  const reply = (n: number, subject: string) =>
    `From: ${OWNER}\r\nTo: c@client.test\r\nSubject: ${subject}\r\nIn-Reply-To: <orig${n}@client.test>\r\nReferences: <orig${n}@client.test>\r\n\r\nok`;

  it('when a reply encodes the non-ASCII subject differently, then send with threadId joins the thread', async () => {
    const orig = await original(1);
    const sent = await gmail.users.messages.send({
      userId: 'me',
      requestBody: {
        raw: b64(reply(1, encoded('Re: Dúvida sobre contrato'))),
        threadId: orig.threadId,
      },
    });
    expect(sent.data.threadId).toBe(orig.threadId);
    // Prefixes in other languages and folded whitespace are what a reader ignores too.
    const aw = await gmail.users.messages.send({
      userId: 'me',
      requestBody: {
        raw: b64(reply(1, `AW: RE:  ${encoded('Dúvida')}\r\n sobre contrato`)),
        threadId: orig.threadId,
      },
    });
    expect(aw.data.threadId).toBe(orig.threadId);
  });

  it('when the decoded subject differs, or no threadId is given, then send starts a new thread', async () => {
    const orig = await original(2);
    const other = await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: b64(reply(2, encoded('Re: Outra dúvida'))), threadId: orig.threadId },
    });
    expect(other.data.threadId).not.toBe(orig.threadId);
    const none = await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: b64(reply(2, encoded('Re: Dúvida sobre contrato'))) },
    });
    expect(none.data.threadId).not.toBe(orig.threadId);
  });

  it('when mail arrives or is inserted referencing an encoded subject, then it joins only when subjects agree', async () => {
    const orig = await original(3);
    const answer = (subject: string) =>
      `From: c@client.test\r\nTo: ${OWNER}\r\nSubject: ${subject}\r\nIn-Reply-To: <orig3@client.test>\r\n\r\nmore`;
    expect((await deliver(sim, OWNER, answer('Re: Dúvida sobre contrato'))).threadId).toBe(
      orig.threadId,
    );
    expect((await deliver(sim, OWNER, answer('Re: something else'))).threadId).not.toBe(
      orig.threadId,
    );
    const inserted = await gmail.users.messages.insert({
      userId: 'me',
      requestBody: {
        raw: b64(answer(encoded('Fwd: Dúvida sobre contrato'))),
        threadId: orig.threadId,
      },
    });
    expect(inserted.data.threadId).toBe(orig.threadId);
    const stray = await gmail.users.messages.insert({
      userId: 'me',
      requestBody: { raw: b64(answer('Unrelated')), threadId: orig.threadId },
    });
    expect(stray.data.threadId).not.toBe(orig.threadId);
  });

  it('when mail is sent without a Message-ID, then Gmail gives it one, and an answer referencing it joins its thread', async () => {
    const sent = await gmail.users.messages.send({
      userId: 'me',
      requestBody: { raw: b64(`To: c@client.test\r\nSubject: Proposta\r\n\r\nsegue`) },
    });
    const { data } = await gmail.users.messages.get({
      userId: 'me',
      id: sent.data.id ?? '',
      format: 'metadata',
      metadataHeaders: ['Message-ID'],
    });
    const messageId = data.payload?.headers?.[0]?.value ?? '';
    expect(messageId).toMatch(/^<[0-9a-f]+@mail\.gmail\.com>$/);
    const answer = await deliver(
      sim,
      OWNER,
      `From: c@client.test\r\nTo: ${OWNER}\r\nSubject: Re: Proposta\r\nIn-Reply-To: ${messageId}\r\n\r\nok`,
    );
    expect(answer.threadId).toBe(sent.data.threadId);
  });
});
