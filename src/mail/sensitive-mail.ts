// Mail that is obviously personal or about an account's security, which must not land on a shared
// CRM record: one-time codes, password resets, sign-in alerts, 2-step verification changes, bank
// notices and payslips, in English, Portuguese and Spanish. All the rules live here; the examples
// that prove each one are the table in test/mail/sensitive-mail.test.ts, next to the false-positive
// rate measured on ordinary business mail.
//
//   classifySensitiveMail({ subject, from, text, headers? }) → { sensitive, rule? }
//
// How a rule fires, so that a sales thread that merely talks about passwords or 2FA does not:
// - its subject patterns, on a subject that is not a reply or forward and, unless a system sent
//   the mail, has no word of a discussion ("Password reset emails not arriving", "Chamado #12:
//   erro no código de verificação" are people talking about it);
// - its body patterns only with a sign that a system sent the mail: an automated sender
//   (no-reply@, alerts@, security@…), an Auto-Submitted header, or the phrase such mails carry
//   ("if you didn't request this", "se não foi você", "si no fuiste tú");
// - bank notices always need that sign (a customer's "Pix enviado - NF 123" is business);
// - a one-time code next to the words that name it ("Your verification code is 482913") is
//   enough on its own.
// - a sign-in ("magic") link next to the words that name it is enough on its own too.
// Text is compared lower-cased without accents, zero-width and other invisible format characters
// (U+200B, U+2060, U+00AD…) removed, so "código", "codigo" and "co\u200Bdigo" match alike. What is
// read (issue 27 #7): the text body, the HTML body as text (a code only in the HTML is still a
// code) with its links, and the attachments' names, up to READ_CHARS in all; every pattern is
// linear in what it reads (test/mail/sensitive-mail.test.ts times 1 MB against 100 KB).
import { htmlToText } from './html-text.ts';

export interface MailToClassify {
  subject: string;
  /** The From header or just its address. */
  from: string;
  /** The plain text body. */
  text: string;
  /** The HTML body, raw: read as text, and its links. */
  html?: string | null | undefined;
  /** The attachments' file names. */
  attachmentNames?: string[] | undefined;
  headers?: Record<string, string | undefined>;
}

export type SensitiveRule =
  | 'one_time_code'
  | 'password_reset'
  | 'sign_in_alert'
  | 'two_step_verification'
  | 'bank_notice'
  | 'payroll'
  | 'sign_in_link';

export interface SensitiveVerdict {
  sensitive: boolean;
  rule?: SensitiveRule;
}

interface Rule {
  name: SensitiveRule;
  subject: RegExp[];
  body: RegExp[];
  /** Fires only on mail a system sent, whatever matched. */
  needsSignal?: boolean;
}

/** Characters of text, HTML text, links and names read, in all. */
const READ_CHARS = 512 * 1024;
/** HTML read to find them (a bounded parse: html-bounds.ts). */
const HTML_BYTES = 512 * 1024;
const SUBJECT_CHARS = 1000;
// Words of a subject people write about a problem, not of one a system sends about an account.
const DISCUSSION =
  /\b(?:issue|problem|bug|error|not (?:working|arriving)|question|help|ticket|flow|feature|integration|policy|proposal|demo|pricing|support|problema|erro|duvida|ajuda|chamado|fluxo|integracao|proposta|incidencia|pregunta|consulta|flujo|integracion|propuesta|no funciona|nao funciona)\b/;
const REPLY_PREFIX = /^\s*(?:re|fw|fwd|res|enc|rv|tr|aw|wg)\s*:/;
const AUTOMATED_SENDER =
  /(?:^|[<\s"])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|notificacion(?:es)?|notificacoes|notify|alerts?|alertas?|avisos?|security|seguranca|seguridad|accounts?|account-security|verify|verification|comunicados?|extrato|nomina|payroll|rh)[-._a-z0-9]*@/;
const DISCLAIMER =
  /if (?:you )?(?:did ?n[o']t|did not|do not|don'?t) (?:request|make|recognize|initiate|sign)|if this (?:was ?n[o']t|was not) you|wasn'?t you\?|se (?:voce )?nao (?:solicitou|reconhece|foi voce|fez)|caso (?:voce )?nao (?:tenha solicitado|reconheca)|si no (?:solicitaste|has solicitado|lo solicitaste|reconoces|fuiste tu|realizaste)|never share (?:this|your) code|nunca compartilhe|no compartas (?:este|tu) codigo|nao compartilhe (?:este|seu) codigo/;

const CODE_WORDS =
  '(?:verification|security|login|log-?in|sign-?in|one-?time|authentication|2fa|otp|your) code(?! (?:review|audit|scan|analysis|quality|base|repository|of conduct))|\\bpin\\b(?: code| number)?|one-?time (?:password|pin)|\\botp\\b|codigo (?:de )?(?:verificacao|seguranca|login|autenticacao|verificacion|seguridad|inicio de sesion|autenticacion|un solo uso|uso unico)|codigo unico|(?:seu|tu|su) codigo|senha (?:temporaria|de uso unico)|contrasena (?:temporal|de un solo uso)';
// Words a meeting invitation also uses for the code it shares with every guest ("Passcode: 123456"
// under a Zoom "Meeting ID", Webex's "Access code"): they count only outside a meeting invitation.
const ACCOUNT_CODE_WORDS = `${CODE_WORDS}|pass ?code|access code|codigo de (?:acesso|acceso)`;
const MEETING =
  /meeting id|id (?:da|de) reuni|zoom|webex|teams meeting|join (?:the )?meeting|meet\.google/;
// A code: 5 to 8 digits, 4 digits that are not a year, "123 456" or "G-123456"; not part of a
// longer number, an amount or a date.
const CODE =
  '(?<![a-z\\d.,/:#-])(?:g-)?(?:\\d{5,8}|(?!(?:19|20)\\d\\d)\\d{4}|\\d{3}[ -]\\d{3})(?![a-z]|[\\d.,/%:-]\\d)';
// Orders and bookings have "confirmation codes" too; for a sign-in the words say so.
const CONFIRMATION_NEAR_CODE = new RegExp(
  `(?:confirmation code|codigo de confirmac(?:ao|ion))[^\\n]{0,40}?(?:\\n\\s*){0,2}${CODE}`,
);
const ORDER_OR_BOOKING = /\b(?:order|booking|reservation|flight|pedido|reserva|voo|vuelo)\b/;
const codeNear = (words: string) =>
  new RegExp(
    `(?:${words})[^\\n]{0,40}?(?:\\n\\s*){0,2}[^\\n]{0,20}?${CODE}|${CODE}[^\\n]{0,40}(?:${words})`,
  );
const CODE_NEAR_WORDS = codeNear(CODE_WORDS);
const CODE_NEAR_ACCOUNT_WORDS = codeNear(ACCOUNT_CODE_WORDS);

// A sign-in link ("magic link"): the words, and a link carrying a token.
const SIGN_IN_LINK_WORDS =
  /(?:magic|sign-?in|log-?in|login|one-?time|access|verification) link|click (?:the |this )?(?:link|button|here) (?:below )?to (?:sign|log) ?in|link (?:magico|de acesso|de login|de entrada)|clique (?:no link|no botao|aqui) para (?:entrar|acessar|fazer login)|enlace (?:magico|de acceso|de inicio de sesion)|haz clic (?:en el enlace|aqui) para (?:iniciar sesion|acceder)/;
const TOKEN_LINK = /https?:\/\/[^\s"'<>]{1,200}?[/=][\w-]{20,}/;

const RULES: Rule[] = [
  {
    name: 'one_time_code',
    subject: [new RegExp(CODE_WORDS), /\b(?:your|seu|tu|su) (?:code|codigo) (?:is|e|es)\b/],
    body: [new RegExp(CODE_WORDS)],
  },
  {
    name: 'password_reset',
    subject: [
      /reset (?:your |the )?password|password (?:reset|change|recovery)|forgot (?:your )?password|your (?:[\w-]+ ){0,3}password (?:was|has been) (?:changed|reset|updated)/,
      /(?:redefin\w+|recupera\w+|alterar|alteracao) (?:de |da |a |sua )?senha|esqueceu (?:a |sua )?senha|senha (?:foi )?(?:alterada|redefinida)/,
      /(?:restablec\w+|recupera\w+|cambi\w+) (?:de |la |tu |su )?contrasena|olvidaste (?:tu )?contrasena|contrasena (?:ha sido |fue |se ha )?(?:cambiad[oa]|restablecid[oa]|actualizad[oa])/,
    ],
    body: [
      /reset your password|password reset request|forgot your password|your (?:[\w-]+ ){0,3}password (?:was|has been) (?:changed|reset)|password for your (?:[\w-]+ ){0,2}account (?:was|has been) (?:changed|reset)/,
      /redefinir (?:a |sua )?senha|redefinicao de senha|esqueceu (?:a |sua )?senha|sua senha (?:foi )?(?:alterada|redefinida)/,
      /restablecer (?:la |tu |su )?contrasena|olvidaste (?:tu )?contrasena|(?:tu|su) contrasena (?:ha sido |fue |se ha )?(?:cambiad[oa]|restablecid[oa])/,
    ],
  },
  {
    name: 'sign_in_alert',
    subject: [
      /^(?:critical )?security alert(?:$|\s*[:|-]|\s+(?:for|on|about)\b)|new (?:sign-?in|login)\b|(?:sign-?in|login) (?:attempt|alert)|(?:unusual|suspicious) (?:sign-?in|login|activity)|was this you\?|someone (?:signed|logged) in|new device (?:sign-?in|login|signed in)/,
      /^alerta de seguranca|novo (?:login|acesso a sua conta)|tentativa de (?:login|acesso)|atividade (?:suspeita|incomum)|foi voce\?|login em (?:um )?novo dispositivo/,
      /^alerta de seguridad|nuevo inicio de sesion|intento de inicio de sesion|actividad (?:sospechosa|inusual)|fuiste tu\?|inicio de sesion (?:desde|en) un nuevo dispositivo/,
    ],
    body: [
      /(?:new|unusual|suspicious) (?:sign-?in|login)|(?:signed|logged) in (?:to your account|from a new)|new device (?:signed|logged) in/,
      /novo (?:login|acesso) (?:na|em|a) sua conta|(?:entrou|acessou) (?:na )?sua conta|login (?:suspeito|incomum)/,
      /nuevo inicio de sesion|(?:iniciado|inicio) sesion en (?:tu|su) cuenta|inicio de sesion (?:sospechoso|inusual)/,
    ],
  },
  {
    name: 'two_step_verification',
    subject: [
      /(?:2-step|two-step|2-factor|two-factor|multi-factor|2fa|mfa)(?: verification| authentication)? (?:is |was |has been )?(?:now )?(?:turned on|turned off|enabled|disabled|activated|deactivated|on|off)\b|backup codes|recovery codes/,
      /(?:verificacao em (?:duas|2) etapas|autenticacao de (?:dois|2) fatores) (?:foi |esta )?(?:ativada|desativada)|codigos de (?:backup|recuperacao)/,
      /(?:verificacion en (?:dos|2) pasos|autenticacion de (?:dos|2) factores) (?:se ha |ha sido |fue |esta )?(?:activad[oa]|desactivad[oa])|codigos de (?:respaldo|recuperacion)/,
    ],
    body: [
      /(?:2-step|two-step|two-factor|2fa)(?: verification| authentication)? (?:was |has been |is now )(?:turned on|turned off|enabled|disabled)|you(?: have)? (?:enabled|disabled|turned (?:on|off)) (?:2-step|two-step|two-factor|2fa)|(?:backup|recovery) codes/,
      /(?:verificacao em (?:duas|2) etapas|autenticacao de (?:dois|2) fatores) foi (?:ativada|desativada)/,
      /(?:verificacion en (?:dos|2) pasos|autenticacion de (?:dos|2) factores) (?:se ha |ha sido |fue )(?:activad[oa]|desactivad[oa])/,
    ],
  },
  {
    name: 'bank_notice',
    needsSignal: true,
    subject: [
      /(?:bank|account|card|monthly) statement (?:is )?(?:ready|available)|your (?:[\w-]+ ){0,3}statement is (?:ready|available)|balance alert|low balance|direct deposit|(?:deposit|withdrawal|transaction|purchase) alert|overdraft/,
      /extrato (?:bancario|da (?:sua )?conta|mensal|do cartao|disponivel)|fatura do (?:seu )?cartao|pix (?:recebido|enviado|agendado)|voce recebeu (?:um pix|uma transferencia)|compra (?:aprovada|no cartao)|saldo (?:disponivel|baixo|insuficiente)/,
      /extracto (?:bancario|de (?:tu|su) (?:cuenta|tarjeta)|mensual)|movimientos de (?:tu|su) cuenta|has recibido una transferencia|transferencia recibida|bizum|cargo en (?:tu|su) tarjeta|compra aprobada|saldo (?:disponible|bajo|insuficiente)/,
    ],
    body: [
      /(?:account|card) ending (?:in )?\d{4}.{0,80}(?:deposit|withdrawal)|available balance|direct deposit/,
      /compra aprovada|voce recebeu um pix|pix recebido|saldo disponivel/,
      /compra aprobada|has recibido una transferencia|saldo disponible/,
    ],
  },
  {
    name: 'payroll',
    subject: [
      /your (?:pay ?slip|pay ?stub|paycheck|salary statement|earnings statement|w-?2)\b|pay ?slip (?:for|is available)|pay ?stub (?:for|is available)/,
      /\b(?:holerite|contracheque) (?:de|do|da|disponivel|referente)\b|\bseu (?:holerite|contracheque)|demonstrativo de pagamento (?:de|do)|informe de rendimentos|recibo de (?:pagamento de )?salario/,
      /(?:tu|su) (?:recibo de )?nomina|recibo de (?:nomina|sueldo)|comprobante de (?:pago de )?nomina|desprendible de (?:nomina|pago)|colilla de pago/,
    ],
    body: [
      /your (?:pay ?slip|pay ?stub|paycheck|salary statement|earnings statement)|net pay/,
      /seu (?:holerite|contracheque)|demonstrativo de pagamento|salario liquido/,
      /(?:tu|su) (?:recibo de )?nomina|recibo de nomina|salario neto|sueldo neto/,
    ],
  },
  {
    name: 'sign_in_link',
    subject: [
      /(?:magic|sign-?in|log-?in|login) link|link (?:magico|de acesso|de login)|enlace (?:magico|de acceso)/,
    ],
    body: [SIGN_IN_LINK_WORDS],
  },
];

export const SENSITIVE_RULES: readonly SensitiveRule[] = RULES.map((r) => r.name);

export function classifySensitiveMail(mail: MailToClassify): SensitiveVerdict {
  const rawSubject = fold(mail.subject.slice(0, SUBJECT_CHARS));
  const isReply = REPLY_PREFIX.test(rawSubject);
  const subject = rawSubject.replace(/^(?:\s*(?:re|fw|fwd|res|enc|rv|tr|aw|wg)\s*:)+\s*/, '');
  const body = fold(readableText(mail));
  const signal = hasSystemSignal(mail, body);
  const discussed = isReply || DISCUSSION.test(subject);
  if (!discussed && hasOneTimeCode(`${subject}\n${body}`)) return verdict('one_time_code');
  if (!discussed && SIGN_IN_LINK_WORDS.test(body) && TOKEN_LINK.test(body)) {
    return verdict('sign_in_link');
  }
  for (const rule of RULES) {
    if (rule.needsSignal && !signal) continue;
    const subjectCounts = signal ? !isReply : !discussed;
    if (subjectCounts && rule.subject.some((re) => re.test(subject))) return verdict(rule.name);
    if (signal && rule.body.some((re) => re.test(body))) return verdict(rule.name);
  }
  return { sensitive: false };
}

/** Everything a reader of the activity would see: text, the HTML's text and links, file names. */
function readableText(mail: MailToClassify): string {
  const parts = [mail.text.slice(0, READ_CHARS)];
  if (mail.html) {
    const html = mail.html.slice(0, HTML_BYTES);
    parts.push(htmlToText(html, HTML_BYTES).text, linksOf(html));
  }
  parts.push(...(mail.attachmentNames ?? []).slice(0, 200).map((n) => n.slice(0, 255)));
  return parts.join('\n').slice(0, READ_CHARS);
}

/** The links of an HTML body (html-to-text leaves them out), one a line. */
function linksOf(html: string): string {
  const links: string[] = [];
  for (const m of html.matchAll(/\bhref\s{0,10}=\s{0,10}["']?([^"'\s>]{1,2048})/gi)) {
    if (links.push(m[1] ?? '') >= 1000) break;
  }
  return links.join('\n');
}

function hasOneTimeCode(text: string): boolean {
  if ((MEETING.test(text) ? CODE_NEAR_WORDS : CODE_NEAR_ACCOUNT_WORDS).test(text)) return true;
  return CONFIRMATION_NEAR_CODE.test(text) && !ORDER_OR_BOOKING.test(text);
}

function verdict(rule: SensitiveRule): SensitiveVerdict {
  return { sensitive: true, rule };
}

function hasSystemSignal(mail: MailToClassify, body: string): boolean {
  const auto = mail.headers?.['auto-submitted'] ?? mail.headers?.['Auto-Submitted'];
  if (auto && !/^\s*no\b/i.test(auto)) return true;
  return (
    AUTOMATED_SENDER.test(` ${mail.from.slice(0, SUBJECT_CHARS).toLowerCase()}`) ||
    DISCLAIMER.test(body)
  );
}

// Lower case, accents and invisible format characters removed, whitespace runs made single
// spaces (newlines kept, a run of blank lines one).
function fold(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .toLowerCase()
    .replace(/[^\S\n]+/g, ' ')
    .replace(/\n(?: ?\n)+/g, '\n\n');
}
