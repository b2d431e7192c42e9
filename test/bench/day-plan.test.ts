// The salesperson's day the benchmark plays: its figures are only as honest as this plan.
import { describe, expect, it } from 'vitest';
import { DAY_DEFAULTS, type DayEvent, OWNER, planDay } from '../../bench/scenarios/day-plan.ts';

const mails = (events: DayEvent[]) =>
  events.filter((e): e is Extract<DayEvent, { kind: 'mail' }> => e.kind === 'mail');

describe("a salesperson's day", () => {
  it('when planned twice from one seed, then it is the same day; another seed, another day', () => {
    const strip = (events: DayEvent[]) =>
      events.map((e) => (e.kind === 'mail' ? { ...e, raw: e.raw.replace(/^Date: .*$/m, '') } : e));
    expect(strip(planDay(DAY_DEFAULTS))).toEqual(strip(planDay(DAY_DEFAULTS)));
    expect(strip(planDay({ ...DAY_DEFAULTS, seed: 7 }))).not.toEqual(strip(planDay(DAY_DEFAULTS)));
  });

  it('when planned with the defaults, then it has the mail, labels and sends the issue names', () => {
    const events = planDay(DAY_DEFAULTS);
    const day = mails(events);
    expect(day).toHaveLength(150);
    // 30 with the CRM's people, and the team's Google Group's two posts that concern a contact
    // (one under the contact's own From, one the group rewrote with the contact only in Reply-To).
    expect(day.filter((m) => m.concern === 'crm')).toHaveLength(32);
    expect(day.filter((m) => m.concern === 'late_contact')).toHaveLength(2);
    expect(day.filter((m) => m.concern === 'blocked')).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'send')).toHaveLength(5);
    expect(events.filter((e) => e.kind === 'label')).toHaveLength(60);
    // About half of all mail in Promotions, Social or Updates, CRM mail among it.
    const categorised = day.filter((m) =>
      m.labels.some((l) => /PROMOTIONS|SOCIAL|UPDATES/.test(l)),
    );
    expect(categorised).toHaveLength(75);
    expect(categorised.filter((m) => m.concern === 'crm')).toHaveLength(5);
  });

  it('when played in order, then every reply, label change and send follows the mail it concerns', () => {
    const seen = new Set<number>();
    for (const e of planDay(DAY_DEFAULTS)) {
      if (e.kind === 'mail') {
        if (e.parent !== undefined) expect(seen.has(e.parent)).toBe(true);
        seen.add(e.key);
      } else if (e.kind === 'label') expect(seen.has(e.mail)).toBe(true);
      else if (e.replyTo !== undefined) expect(seen.has(e.replyTo)).toBe(true);
    }
  });

  it('when a thread goes back and forth, then its replies name their parent and both sides write', () => {
    const day = mails(planDay(DAY_DEFAULTS));
    const replies = day.filter((m) => m.parent !== undefined);
    expect(replies).toHaveLength(DAY_DEFAULTS.threads * DAY_DEFAULTS.followUps);
    for (const reply of replies) {
      const parent = day.find((m) => m.key === reply.parent);
      const parentId = /^Message-ID: (.*)$/m.exec(parent?.raw ?? '')?.[1]?.trim();
      expect(reply.raw).toContain(`In-Reply-To: ${parentId}`);
    }
    expect(replies.some((m) => m.raw.startsWith(`From: ${OWNER}`))).toBe(true);
    expect(replies.some((m) => !m.raw.startsWith(`From: ${OWNER}`))).toBe(true);
    // Each change is made once to a mail (a repeat changes nothing and Gmail would not push it).
    const changes = planDay(DAY_DEFAULTS)
      .filter((e) => e.kind === 'label')
      .map((e) => JSON.stringify(e));
    expect(new Set(changes).size).toBe(changes.length);
  });
});
