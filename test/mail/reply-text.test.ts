import { describe, expect, it } from 'vitest';
import { htmlAsText } from '../../src/mail/html-text.ts';
import { extractReplyText, REPLY_TEXT_MAX_CHARS } from '../../src/mail/reply-text.ts';
import { growth } from '../support/time-bounds.ts';
import { businessTemplates, generate } from './sensitive-corpus.ts';

const q = (...lines: string[]) => lines.map((l) => (l ? `> ${l}` : '>')).join('\n');
const outlookBlock = (from: string, sent: string, to: string, subject: string) =>
  `${from}\n${sent}\n${to}\n${subject}\n\nCan you send the revised proposal?\n\nMaria`;

// Replies as each client writes their text/plain part, top-posted unless said otherwise.
const replies: { name: string; text: string; expected: string }[] = [
  {
    name: 'Gmail, English',
    text: `Tuesday works, see you then.\n\nOn Mon, Mar 4, 2024 at 10:02 AM Maria Silva <maria@client.test> wrote:\n\n${q('Can we meet Tuesday?', '', 'Maria')}\n`,
    expected: 'Tuesday works, see you then.',
  },
  {
    name: 'Gmail, English, header wrapped over two lines',
    text: `Sounds good.\n\nOn Mon, Mar 4, 2024 at 10:02 AM Maria Fernanda Oliveira da Silva <\nmaria.fernanda@client-company.test> wrote:\n\n${q('Can we meet Tuesday?')}\n`,
    expected: 'Sounds good.',
  },
  {
    name: 'Gmail, Portuguese, header wrapped',
    text: `Perfeito, fechado.\nAbraço\n\nEm seg., 4 de mar. de 2024 às 10:02, Maria Silva <maria@client.test>\nescreveu:\n\n${q('Podemos fechar o contrato?')}\n`,
    expected: 'Perfeito, fechado.\nAbraço',
  },
  {
    name: 'Gmail, Spanish, header wrapped over three lines',
    text: `Perfecto, cerramos.\n\nEl lun, 4 mar 2024 a las 10:02, María Fernanda\nGonzález (<maria@cliente.test>)\nescribió:\n\n${q('¿Cerramos el contrato?')}\n`,
    expected: 'Perfecto, cerramos.',
  },
  {
    name: 'Gmail, French',
    text: `Parfait, merci.\n\nLe lun. 4 mars 2024 à 10:02, Marie Dubois <marie@client.test> a écrit :\n\n${q('On signe ?')}\n`,
    expected: 'Parfait, merci.',
  },
  {
    name: 'Outlook desktop, English, From/Sent block without addresses',
    text: `Thanks Maria, attached.\n\nJohn\n\n________________________________\n${outlookBlock('From: Maria Silva', 'Sent: Monday, March 4, 2024 10:02 AM', 'To: John Smith', 'Subject: RE: Proposal')}`,
    expected: 'Thanks Maria, attached.\n\nJohn',
  },
  {
    name: 'Outlook desktop, Portuguese',
    text: `Segue a proposta revisada.\n\nJoão\n\nDe: Maria Silva\nEnviado: segunda-feira, 4 de março de 2024 10:02\nPara: João Souza\nAssunto: RE: Proposta\n\nPode enviar a proposta?`,
    expected: 'Segue a proposta revisada.\n\nJoão',
  },
  {
    name: 'Outlook desktop, Spanish',
    text: `Adjunto la propuesta.\n\n${outlookBlock('De: María González <maria@cliente.test>', 'Enviado el: lunes, 4 de marzo de 2024 10:02', 'Para: Juan Pérez', 'Asunto: RE: Propuesta')}`,
    expected: 'Adjunto la propuesta.',
  },
  {
    name: 'Outlook web, bold headers',
    text: `Done.\n\n*From:* Maria Silva <maria@client.test>\n*Sent:* Monday, March 4, 2024 10:02 AM\n*To:* John Smith <john@vendor.test>\n*Subject:* Contract\n\nPlease sign.`,
    expected: 'Done.',
  },
  {
    name: 'Outlook, -----Original Message-----',
    text: `Approved.\n\n-----Original Message-----\nFrom: Maria Silva [mailto:maria@client.test]\nSent: Monday, March 4, 2024 10:02 AM\n\nPlease approve.`,
    expected: 'Approved.',
  },
  {
    name: 'Outlook, Portuguese original message marker',
    text: `Aprovado.\n\n-----Mensagem original-----\nDe: Maria\n\nAprova?`,
    expected: 'Aprovado.',
  },
  {
    name: 'Apple Mail, English, iPhone signature',
    text: `Yes, send it.\n\nSent from my iPhone\n\n> On 4 Mar 2024, at 10:02, Maria Silva <maria@client.test> wrote:\n>\n${q('Shall I send the contract?')}`,
    expected: 'Yes, send it.',
  },
  {
    name: 'Apple Mail, Portuguese, iPhone signature',
    text: `Pode mandar.\n\nEnviado do meu iPhone\n\n> Em 4 de mar. de 2024, à(s) 10:02, Maria Silva <maria@client.test> escreveu:\n>\n${q('Posso mandar o contrato?')}`,
    expected: 'Pode mandar.',
  },
  {
    name: 'Apple Mail, Spanish, iPhone signature',
    text: `Envíalo.\n\nEnviado desde mi iPhone\n\n> El 4 mar 2024, a las 10:02, María <maria@cliente.test> escribió:\n>\n${q('¿Envío el contrato?')}`,
    expected: 'Envíalo.',
  },
  {
    name: 'Thunderbird, English, with a -- signature',
    text: `Agreed on the price.\n\n-- \nJohn Smith\nSales, Vendor Inc.\n+1 555 0100\n\nOn 04/03/2024 10:02, Maria Silva wrote:\n${q('Is 500 per seat ok?')}`,
    expected: 'Agreed on the price.',
  },
  {
    name: 'Thunderbird, Portuguese',
    text: `Combinado.\n\nEm 04/03/2024 10:02, Maria Silva escreveu:\n${q('Fechamos em 500?')}`,
    expected: 'Combinado.',
  },
  {
    name: 'Thunderbird, Spanish',
    text: `De acuerdo.\n\nEl 4/3/24 a las 10:02, María González escribió:\n${q('¿Cerramos en 500?')}`,
    expected: 'De acuerdo.',
  },
  {
    name: 'inline reply under a Gmail header',
    text: `On Mon, Mar 4, 2024 at 10:02 AM Maria <maria@client.test> wrote:\n${q('Can you do Tuesday?')}\nYes, Tuesday works.\n\n${q('And the price?')}\nIt is 500 per seat.\n\n-- \nJohn Smith\n`,
    expected: 'Yes, Tuesday works.\nIt is 500 per seat.',
  },
  {
    name: 'inline reply in Portuguese without a header',
    text: `${q('Pode ser na terça?')}\nPode sim.\n${q('E o preço?')}\n500 por usuário.\n\nEnviado do meu iPhone`,
    expected: 'Pode sim.\n500 por usuário.',
  },
  {
    name: 'forward with a note',
    text: `FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Maria <maria@client.test>\nDate: Mon, Mar 4, 2024 at 10:02 AM\nSubject: Budget\n\nBudget approved.`,
    expected: 'FYI, see below.',
  },
];

// Mails whose whole text is new: nothing may be cut.
const wholeNew = [
  'Hello Maria,\n\nOn Tuesday we will send the contract.\nI wrote: the summary is below.\n\nJohn',
  'Agenda\n---\n1. Pricing\n2. Timeline\n===\nNotes follow.',
  'Sent from the Lisbon office: 3 boxes.\nThey arrive on Friday.\n\nAna',
  'From: the sales team\nWe are happy to announce our new plan.',
  'On Tuesday Ana wrote:\nthe plan is ready.',
  'ok',
  'Regards',
];

describe('extractReplyText', () => {
  it.each(replies)('when the reply is from $name, then only the new text is kept', (c) => {
    expect(extractReplyText(c.text)).toBe(c.expected);
  });

  it.each(wholeNew)('when the whole mail is new (%#), then none of its text is lost', (text) => {
    const out = extractReplyText(text);
    expect(out).not.toBe('');
    for (const word of text.split(/\s+/).filter((w) => w.length > 3 && !/^regards$/i.test(w)))
      expect(out).toContain(word);
  });

  it('when 200 ordinary mails with no quote are read, then each keeps its opening lines', () => {
    const mails = generate(200, 7, (v, i) => businessTemplates[i % businessTemplates.length]?.(v));
    for (const mail of mails) {
      const text = mail?.text ?? '';
      const firstTwo = text.split('\n').slice(0, 2).join('\n').trim();
      expect(extractReplyText(text).startsWith(firstTwo), text).toBe(true);
    }
  });

  it('when the reply only has HTML, then its text (as the service makes it) gives the new part', () => {
    const gmail =
      '<div dir="ltr">Tuesday works.<br><br>John</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, Mar 4, 2024 at 10:02 AM Maria Silva &lt;<a href="mailto:maria@client.test">maria@client.test</a>&gt; wrote:<br></div><blockquote class="gmail_quote"><div dir="ltr">Can we meet Tuesday?</div></blockquote></div>';
    expect(extractReplyText(htmlAsText(gmail))).toBe('Tuesday works.\n\nJohn');
    const outlook =
      '<p>Segue a proposta.</p><div style="border-top:solid #E1E1E1 1.0pt"><p><b>De:</b> Maria Silva &lt;maria@client.test&gt;<br><b>Enviado:</b> segunda-feira, 4 de março de 2024 10:02<br><b>Para:</b> João<br><b>Assunto:</b> Proposta</p></div><p>Pode enviar?</p>';
    expect(extractReplyText(htmlAsText(outlook))).toBe('Segue a proposta.');
  });

  it('when the mail has Windows line ends, then they are read like any other', () => {
    const text =
      'Fine by me.\r\n\r\nOn Mon, Mar 4, 2024 at 10:02 AM Ana <ana@c.test> wrote:\r\n> Ok?\r\n';
    expect(extractReplyText(text)).toBe('Fine by me.');
  });

  it('when the mail is only a forwarded thread, then there is no new text', () => {
    expect(extractReplyText('---------- Forwarded message ---------\nFrom: A\n\nHi')).toBe('');
    expect(extractReplyText(q('only', 'quotes'))).toBe('');
  });

  it('when the text is huge and hostile, then only its start is read and it ends', () => {
    const line = `On ${'a '.repeat(200_000)}`;
    const out = extractReplyText(`Start.\n${line}\n`);
    expect(out.startsWith('Start.\nOn a a')).toBe(true);
    expect(out.length).toBeLessThanOrEqual(REPLY_TEXT_MAX_CHARS);
    const many = extractReplyText(`${'On a b c d e f g\n'.repeat(20_000)}`);
    expect(many.startsWith('On a b')).toBe(true);
  });
});

describe('extractReplyText on hostile text (issue 27)', () => {
  const hostile: [string, (n: number) => string][] = [
    ['blank lines', (n) => `Hi\n${'\n'.repeat(n)}Bye`],
    ['lines of spaces', (n) => `Hi\n${' \n'.repeat(n / 2)}Bye`],
    ['lines that start like a Chinese quote header', (n) => '在x\n'.repeat(n / 3)],
    ['lines that start like a Danish one', (n) => 'abc. x\n'.repeat(n / 7)],
    ['dates and times on every line', (n) => '12.12.2012 x\n'.repeat(n / 13)],
    [
      '"On … wrote:" over a quote, again and again',
      (n) => 'On 2020 x wrote:\n> q\n'.repeat(n / 21),
    ],
    ['"Sent from" in the middle, again and again', (n) => 'Sent from x\ny\n'.repeat(n / 14)],
  ];

  it.each(hostile)('when the text is %s, then 64 KiB costs about what 8 KiB does', (_, make) => {
    const g = growth(make, extractReplyText, 8 * 1024, 64 * 1024);
    // Linear would be ×8 at most; the parser alone was quadratic (×64: 65,000 blank lines took 90 s).
    expect(g.ratio, JSON.stringify(g)).toBeLessThan(3 * g.factor);
  });

  it('when 65,000 blank lines separate two words, then both are kept and the blank run is one line', () => {
    expect(extractReplyText(`Hi\n${'\n'.repeat(65_000)}Bye`)).toBe('Hi\n\nBye');
  });
});
