// Gmail's search as it is (CONTRACT.md, "Simulator, third wave"): tokens not substrings, where an
// address is looked for and where not, domains and subdomains, no folding of dots or +tags, the
// query limit, no promised order, a lag per message; and Bcc kept in the sender's own copy only.
// Driven by Google's own client library.
import type { gmail_v1 } from 'googleapis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../sim/index.ts';
import { deliver, failure, faults, gmailFor } from '../support/sim-gmail.ts';

const HOUR = 3_600_000;

describe("the simulated Gmail's search", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
  });
  afterAll(async () => {
    await sim.close();
  });

  /** A fresh mailbox and its client: each test's search sees only its own mail. */
  const mailbox = async (name: string) => {
    const owner = `${name}@sim.test`;
    const { gmail } = await gmailFor(sim, owner);
    await faults(sim, { reset: true, quota_units_per_sec: 1_000_000 });
    const ids = async (q?: string) => {
      const found: string[] = [];
      let pageToken: string | undefined;
      do {
        const { data } = await gmail.users.messages.list({
          userId: 'me',
          maxResults: 500,
          ...(q === undefined ? {} : { q }),
          ...(pageToken ? { pageToken } : {}),
        });
        for (const m of data.messages ?? []) found.push(m.id ?? '');
        pageToken = data.nextPageToken ?? undefined;
      } while (pageToken);
      return found;
    };
    const put = async (headers: string, body = 'Hello.', labelIds?: string[]) =>
      (await deliver(sim, owner, `${headers}\r\n\r\n${body}\r\n`, labelIds)).id;
    return { owner, gmail, ids, put };
  };

  it('when an address is searched, then it matches that whole address in From, To, Cc or Bcc, and written in the subject or body', async () => {
    const { owner, ids, put } = await mailbox('tokens');
    const from = await put(`From: Ana <ana@client.test>\r\nTo: ${owner}\r\nSubject: a`);
    const to = await put(`From: ${owner}\r\nTo: ana@client.test\r\nSubject: b`, 'x', ['SENT']);
    const cc = await put(`From: x@else.test\r\nTo: ${owner}\r\nCc: "A" <ana@client.test>`);
    const bcc = await put(`From: ${owner}\r\nTo: x@else.test\r\nBcc: ana@client.test`, '', [
      'SENT',
    ]);
    const quoted = await put(
      `From: colleague@else.test\r\nTo: ${owner}\r\nSubject: Re: a`,
      'On Monday, Ana <ana@client.test> wrote:\r\n> hi',
    );
    const inSubject = await put(
      `From: x@else.test\r\nTo: ${owner}\r\nSubject: for ana@client.test`,
    );
    // Substrings of the address are other addresses: not found.
    await put(`From: diana@client.test\r\nTo: ${owner}`);
    await put(`From: ana@client.testing\r\nTo: ${owner}`);
    await put(`From: ana@sub.client.test\r\nTo: ${owner}`);
    const found = await ids('ana@client.test');
    expect(found.sort()).toEqual([from, to, cc, bcc, quoted, inSubject].sort());
    expect(await ids('from:ana@client.test')).toEqual([from]);
    expect(await ids('bcc:ana@client.test')).toEqual([bcc]);
    expect(await ids('na@client.test')).toEqual([]);
  });

  it('when the address is only in Reply-To, Sender or Delivered-To, then no search finds the mail', async () => {
    const { owner, ids, put } = await mailbox('headers');
    // Google Groups' DMARC rewrite: the person is only in Reply-To (and X-Original-From).
    await put(
      `From: "'Ana' via Vendas" <vendas@vendor.test>\r\nTo: vendas@vendor.test\r\nReply-To: ana@client.test\r\nX-Original-From: Ana <ana@client.test>\r\nSender: vendas@vendor.test`,
    );
    await put(`From: list@else.test\r\nTo: ${owner}\r\nSender: ana@client.test`);
    await put(`From: x@else.test\r\nTo: ${owner}\r\nDelivered-To: ana@client.test`);
    expect(await ids('ana@client.test')).toEqual([]);
    expect(await ids('client.test')).toEqual([]);
    expect(await ids('replyto:ana@client.test')).toEqual([]);
    expect(await ids('vendas@vendor.test')).toHaveLength(1);
  });

  it('when a domain is searched, then it matches addresses at it and its subdomains and the domain in text, not lookalikes', async () => {
    const { owner, ids, put } = await mailbox('domains');
    const at = await put(`From: ana@client.test\r\nTo: ${owner}`);
    const sub = await put(`From: bob@mail.client.test\r\nTo: ${owner}`);
    const text = await put(`From: x@else.test\r\nTo: ${owner}`, 'See www.client.test today.');
    await put(`From: eve@notclient.test\r\nTo: ${owner}`);
    await put(`From: eve@client.test.evil\r\nTo: ${owner}`);
    expect((await ids('client.test')).sort()).toEqual([at, sub, text].sort());
    expect((await ids('from:client.test')).sort()).toEqual([at, sub].sort());
    expect((await ids('@client.test')).sort()).toEqual([at, sub, text].sort());
  });

  it('when case differs, then it still matches; dots and +tags are never folded', async () => {
    const { owner, ids, put } = await mailbox('folding');
    const plain = await put(`From: Ana.Lima@Client.test\r\nTo: ${owner}`);
    const tagged = await put(`From: ana.lima+crm@client.test\r\nTo: ${owner}`);
    const undotted = await put(`From: analima@client.test\r\nTo: ${owner}`);
    expect(await ids('ANA.LIMA@client.TEST')).toEqual([plain]);
    expect(await ids('ana.lima+crm@client.test')).toEqual([tagged]);
    expect(await ids('analima@client.test')).toEqual([undotted]);
  });

  it('when a query is over 2,048 characters, then Gmail answers 400 Invalid query; at 2,048 it searches', async () => {
    const { owner, gmail, put } = await mailbox('limit');
    const id = await put(`From: ana@client.test\r\nTo: ${owner}`);
    const long = `{ana@client.test ${'padding@else.test '.repeat(120)}}`;
    expect(long.length).toBeGreaterThan(2_048);
    expect(await failure(gmail.users.messages.list({ userId: 'me', q: long }))).toEqual({
      status: 400,
      message: 'Invalid query',
    });
    const fits = `${long.slice(0, 2_047)}}`;
    expect(fits.length).toBe(2_048);
    const { data } = await gmail.users.messages.list({ userId: 'me', q: fits });
    expect(data.messages?.map((m) => m.id)).toEqual([id]);
    // A Gmail stricter than documented (max_query_chars) refuses what fitted.
    await faults(sim, { max_query_chars: 20 });
    expect(await failure(gmail.users.messages.list({ userId: 'me', q: fits }))).toEqual({
      status: 400,
      message: 'Invalid query',
    });
  });

  it('when list_order is shuffled, then pages come in no particular order, yet join up with every message once', async () => {
    const { owner, gmail, ids, put } = await mailbox('order');
    const delivered: string[] = [];
    for (let i = 0; i < 30; i++)
      delivered.push(await put(`From: a${i}@client.test\r\nTo: ${owner}`));
    const newestFirst = [...delivered].reverse();
    expect(await ids()).toEqual(newestFirst);
    await faults(sim, { list_order: 'shuffled' });
    const paged: string[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await gmail.users.messages.list({
        userId: 'me',
        maxResults: 7,
        ...(pageToken ? { pageToken } : {}),
      });
      paged.push(...(data.messages ?? []).map((m) => m.id ?? ''));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(paged).not.toEqual(newestFirst);
    expect([...paged].sort()).toEqual([...delivered].sort());
    expect(await ids('client.test')).toEqual(paged);
  });

  it('when search_lag_ms is a distribution, then each message keeps its own lag: most are found at once, a tail waits', async () => {
    const { owner, ids, put } = await mailbox('lag');
    // Half the draws fall at or under the median of 0 ms; the rest wait up to an hour's tail.
    await faults(sim, { seed: 7, search_lag_ms: { p50: 0, p99: HOUR, max: 24 * HOUR } });
    const delivered: string[] = [];
    for (let i = 0; i < 40; i++)
      delivered.push(await put(`From: a${i}@client.test\r\nTo: ${owner}`));
    const found = await ids('client.test');
    expect(found.length).toBeGreaterThanOrEqual(10);
    expect(found.length).toBeLessThanOrEqual(30);
    // The same messages on every search: a lag belongs to its message.
    expect(await ids('client.test')).toEqual(found);
    // Without q the mailbox itself is listed: current.
    expect(await ids()).toHaveLength(40);
    // The index catches up.
    await faults(sim, { search_lag_ms: 0 });
    expect((await ids('client.test')).sort()).toEqual([...delivered].sort());
    await faults(sim, { search_lag_ms: HOUR });
    expect(await ids('client.test')).toEqual([]);
  });

  it('when a search fault is misspelt, then the control API refuses it', async () => {
    const bad = [
      { search_lag_ms: -1 },
      { search_lag_ms: { p50: 10, p99: 5, max: 20 } },
      { search_lag_ms: { p50: 10 } },
      { list_order: 'random' },
      { max_query_chars: 0 },
    ];
    for (const body of bad) {
      const res = await fetch(`${sim.baseUrl}/__sim/faults`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
    }
  });
});

describe("the simulated Gmail's Bcc", () => {
  let sim: Simulator;
  let gmail: gmail_v1.Gmail;
  const OWNER = 'bcc@sim.test';
  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    ({ gmail } = await gmailFor(sim, OWNER));
    await faults(sim, { quota_units_per_sec: 1_000_000 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const bccOf = async (id: string) => {
    const { data } = await gmail.users.messages.get({
      userId: 'me',
      id,
      format: 'metadata',
      metadataHeaders: ['Bcc'],
    });
    return data.payload?.headers?.find((h) => h.name === 'Bcc')?.value;
  };

  it("when the user sends through the API with Bcc, then the sender's copy keeps it and a search finds it", async () => {
    const raw = Buffer.from(
      `From: ${OWNER}\r\nTo: buyer@client.test\r\nBcc: boss@client.test\r\nSubject: Offer\r\n\r\nx\r\n`,
    ).toString('base64url');
    const { data } = await gmail.users.messages.send({ userId: 'me', requestBody: { raw } });
    expect(await bccOf(data.id ?? '')).toBe('boss@client.test');
    const found = await gmail.users.messages.list({ userId: 'me', q: 'boss@client.test' });
    expect(found.data.messages?.map((m) => m.id)).toEqual([data.id]);
  });

  it('when mail written in Gmail is delivered as SENT, then it keeps its Bcc; a received copy never shows one', async () => {
    const mail = `From: ${OWNER}\r\nTo: a@client.test\r\nBcc: hidden@client.test\r\nSubject: s\r\n\r\nbody\r\n`;
    const sent = await deliver(sim, OWNER, mail, ['SENT']);
    expect(await bccOf(sent.id)).toBe('hidden@client.test');
    const received = await deliver(sim, OWNER, mail);
    expect(await bccOf(received.id)).toBeUndefined();
    const { data } = await gmail.users.messages.get({
      userId: 'me',
      id: received.id,
      format: 'raw',
    });
    const text = Buffer.from(data.raw ?? '', 'base64url').toString();
    expect(text).not.toMatch(/^bcc:/im);
    expect(text).toMatch(/\r\n\r\nbody\r\n$/);
  });

  it('when mail is delivered with an internal_date, then Gmail dates it so', async () => {
    const old = Date.now() - 40 * 86_400_000;
    const res = await fetch(`${sim.baseUrl}/__sim/mailboxes/${OWNER}/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ raw: 'Subject: old\r\n\r\nx', internal_date: old }),
    });
    const { id } = (await res.json()) as { id: string };
    const got = await gmail.users.messages.get({ userId: 'me', id, format: 'minimal' });
    expect(got.data.internalDate).toBe(String(old));
  });
});
