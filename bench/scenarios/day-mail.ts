// The day's mail that is not a conversation with a CRM person (day-plan.ts): the team's Google
// Group's posts, Gmail's categories of bulk mail, strangers and colleagues.
import type { DayOptions } from './day-plan.ts';

export type Concern = 'crm' | 'late_contact' | 'blocked' | 'none';

export interface Draft {
  at: number;
  from: string;
  to: string;
  subject: string;
  concern: Concern;
  labels: string[];
  parent?: Draft;
  headers?: string[];
}

/** The team's Google Group, on the owner's domain. */
const GROUP = 'vendas@vendor.test';
const GROUP_HEADERS = [
  'List-Id: <vendas.vendor.test>',
  `List-Post: <mailto:${GROUP}>`,
  `Mailing-list: list ${GROUP}; contact vendas+owners@vendor.test`,
  'Precedence: list',
];

/** The salesperson whose day it is. */
export const OWNER = 'rep@vendor.test';

/**
 * The team group's posts: Google Groups keeps a sender's From unless the sender's domain asks for
 * strict DMARC, then writes the post as its own and leaves the sender in Reply-To and
 * X-Original-From (github.com/postalserver/postal/issues/849).
 */
export function addGroupPosts(
  posts: number,
  people: string[],
  random: () => number,
  push: (d: Draft) => Draft,
): void {
  for (let i = 0; i < posts; i++) {
    const sender =
      i < 2 ? (people[(i + 5) % people.length] as string) : `member${i}@elsewhere.test`;
    const rewritten = i > 0;
    push({
      at: random(),
      from: rewritten ? `"'${sender.split('@')[0]}' via Vendas" <${GROUP}>` : sender,
      to: GROUP,
      subject: `Team post ${i}`,
      concern: i < 2 ? 'crm' : 'none',
      labels: ['INBOX', 'UNREAD', 'CATEGORY_FORUMS'],
      headers: [
        ...GROUP_HEADERS,
        ...(rewritten ? [`Reply-To: ${sender}`, `X-Original-From: ${sender}`] : []),
      ],
    });
  }
}

/** The rest of the day: Gmail's categories as it files bulk mail, strangers, colleagues. */
export function addOtherMail(
  o: Pick<DayOptions, 'mails' | 'categorised' | 'crmCategorised'>,
  planned: number,
  random: () => number,
  push: (d: Draft) => Draft,
): void {
  const others = o.mails - planned;
  const categorised = Math.min(
    others,
    Math.max(0, Math.round(o.categorised * o.mails) - o.crmCategorised),
  );
  const kinds = [
    ...Array<string>(Math.round(categorised * 0.45)).fill('CATEGORY_PROMOTIONS'),
    ...Array<string>(Math.round(categorised * 0.2)).fill('CATEGORY_SOCIAL'),
  ];
  kinds.push(...Array<string>(Math.max(0, categorised - kinds.length)).fill('CATEGORY_UPDATES'));
  const colleagues = Math.round((others - kinds.length) * 0.2);
  kinds.push(...Array<string>(colleagues).fill('internal'));
  kinds.push(...Array<string>(Math.max(0, others - kinds.length)).fill('CATEGORY_PERSONAL'));
  kinds.forEach((kind, i) => {
    const [from, headers] = {
      CATEGORY_PROMOTIONS: [
        `news@shop${i % 9}.test`,
        ['Precedence: bulk', 'List-Id: <deals.shop.test>'],
      ],
      CATEGORY_SOCIAL: [`notify@social${i % 3}.test`, ['Precedence: bulk']],
      CATEGORY_UPDATES: [`no-reply@saas${i % 7}.test`, []],
      internal: [`colleague${i % 5}@vendor.test`, []],
      CATEGORY_PERSONAL: [`person${i}@elsewhere.test`, []],
    }[kind] as [string, string[]];
    const category = kind === 'internal' ? 'CATEGORY_PERSONAL' : kind;
    push({
      at: random(),
      from,
      to: OWNER,
      subject: `${kind.replace('CATEGORY_', '').toLowerCase()} ${i}`,
      concern: 'none',
      labels: ['INBOX', 'UNREAD', category],
      headers,
    });
  });
}
