// The new part of a reply, for timelines: what the author wrote in this mail, without the quoted
// thread below it and without the signature.
//
//   extractReplyText(text) → string
//
// Built on email-reply-parser (Crisp's, kept up; it knows "On … wrote:" in English, Portuguese,
// Spanish and French, `>` quotes, "-----Original Message-----" and "Sent from my …"), extended
// for what it misses or gets wrong:
// - Outlook's header block ("From: … Sent: … To: … Subject: …") in any of our languages, with
//   or without an address in "From:", and the forward markers of Gmail, Outlook and Apple Mail;
// - "On … wrote:" headers wrapped over up to three lines, as Gmail wraps long names;
// - "Enviado do meu iPhone" and Outlook mobile's Portuguese and Spanish lines;
// - lines it would wrongly take for a signature: "---" or "===" dividers, and "Sent from …" in
//   the middle of a paragraph (only the last line of the new text can be that signature);
// - its regular expressions are quadratic: on long lines, on runs of blank lines, and over the whole
//   text (a multi-line pattern tried from every line that starts like a header scans to the end).
//   So only the first 64 KiB of text is read, runs of blank lines are read as one, and the parser
//   is handed at most PARSER_LINES lines, each line over PARSER_LINE_CHARS characters (never a
//   header or a signature) hidden behind a placeholder: its cost is bounded by a constant
//   (under 50 ms for the worst inputs we know: test/mail/parser-bounds.test.ts), and everything
//   done here around it is linear. The new text is looked for in those first lines.
// Inline (interleaved) replies keep the author's lines and drop the `>` ones. The result is ''
// only when the text starts with the quoted thread (nothing written above it); a mail whose whole
// text is new comes back whole.
import EmailReplyParser from 'email-reply-parser';

export const REPLY_TEXT_MAX_CHARS = 64 * 1024;
const LONG_LINE = 1000;
/** Lines the reply parser reads; the new part of a reply comes first. */
export const PARSER_LINES = 300;
/** Longer lines are hidden from the reply parser (a quote header wraps well before this). */
const PARSER_LINE_CHARS = 200;

const WROTE_START = /^\s*(?:On|Em|El|Le)\s/;
const WROTE_END = /(?:wrote|escreveu|escribió|a écrit)\s?:\s*$/;
const HEADER_FROM = /^\s*\*?(?:From|De|Von|Da)\s?:\*?\s*\S/;
const HEADER_SENT =
  /^\s*\*?(?:Sent|Date|Enviado|Enviada|Data|Fecha|Envoyé|Gesendet)(?: el| em| le)?\s?:/;
const HEADER_SUBJECT = /^\s*\*?(?:Subject|Assunto|Asunto|Objet|Betreff)\s?:/;
const MARKER =
  /^\s*(?:-{2,}\s*(?:Original Message|Mensagem original|Mensaje original|Message d'origine|Forwarded message|Mensagem encaminhada|Mensaje reenviado|Message transféré)\s*-{2,}|Begin forwarded message:|Início da mensagem encaminhada:|Inicio del mensaje reenviado:)\s*$/i;
const SEPARATOR = /^\s*(?:_{10,}|-{10,})\s*$/;
const DEVICE_SIGNATURE =
  /^\s*(?:Sent from|Sent with|Get Outlook for|Enviado (?:do|de|desde)|Obter o Outlook|Obtener Outlook|Envoyé (?:de|depuis))\s/i;
const FALSE_SIGNATURE = /^\s*(?:[_=+]{2,4}|-{3,4})\s*$/;
const QUOTED = /^\s*>/;
const HEADER_DATE = /\d{1,2}[:h]\d{2}|\d{4}|@/;

export function extractReplyText(text: string): string {
  const lines = cleanLines(text);
  const kept = dropQuoteHeaders(lines).slice(0, PARSER_LINES);
  const hidden: string[] = [];
  const hide = (line: string) => `\uE000${hidden.push(line) - 1}\uE001`;
  const forParser = kept.map((line, i) => {
    // A long quoted line stays a quote for the parser (which drops every quote); its text is moot.
    if (line.length > PARSER_LINE_CHARS && QUOTED.test(line)) return '>';
    return line.length > PARSER_LINE_CHARS || FALSE_SIGNATURE.test(line) || isMidTextDevice(kept, i)
      ? hide(line)
      : line;
  });
  const visible = new EmailReplyParser().parseReply(forParser.join('\n'));
  const restored = visible.replace(/\uE000(\d+)\uE001/g, (_, n: string) => hidden[Number(n)] ?? '');
  const result = trimBlank(dropDeviceSignature(restored.split('\n'))).join('\n');
  if (result || startsWithThread(lines)) return result;
  return trimBlank(lines.slice(0, PARSER_LINES)).join('\n');
}

/** The text's first 64 KiB as lines, LF only, no placeholder characters, a run of blank lines as one. */
function cleanLines(text: string): string[] {
  const lines = text
    .slice(0, REPLY_TEXT_MAX_CHARS)
    .replace(/\r\n?/g, '\n')
    .replace(/[\uE000\uE001]/g, '')
    .split('\n');
  return lines.filter(
    (line, i) => i === 0 || line.trim() !== '' || (lines[i - 1] ?? '').trim() !== '',
  );
}

// Cut at the first Outlook block or marker; remove "On … wrote:" headers over `>` quotes (the
// parser drops the quotes and keeps the author's lines between them) and cut at those over
// unquoted text.
function dropQuoteHeaders(lines: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (QUOTED.test(line) || line.length > LONG_LINE) {
      kept.push(line);
      continue;
    }
    if (MARKER.test(line) || isOutlookBlock(lines, i)) return dropSeparator(kept);
    const end = wroteHeaderEnd(lines, i);
    if (end === -1) {
      kept.push(line);
      continue;
    }
    if (!QUOTED.test(nextWritten(lines, end + 1) ?? '')) {
      return dropSeparator(kept);
    }
    i = end;
  }
  return kept;
}

function isOutlookBlock(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i] ?? '')) return false;
  const next = lines.slice(i + 1, i + 7);
  return next.some((l) => HEADER_SENT.test(l)) && next.some((l) => HEADER_SUBJECT.test(l));
}

// Index of the last line of an "On … wrote:" header starting at line i (up to three lines, as
// Gmail wraps it), or -1.
function wroteHeaderEnd(lines: string[], i: number): number {
  if (!WROTE_START.test(lines[i] ?? '')) return -1;
  let joined = '';
  for (let j = i; j < Math.min(i + 3, lines.length); j++) {
    const line = lines[j] ?? '';
    if (j > i && (line.trim() === '' || QUOTED.test(line))) return -1;
    joined += ` ${line}`;
    if (joined.length > 400) return -1;
    // Every client puts a date or time (or an address) in it; a sentence "On Tuesday Ana wrote:" has none.
    if (WROTE_END.test(joined)) return HEADER_DATE.test(joined) ? j : -1;
  }
  return -1;
}

function dropSeparator(kept: string[]): string[] {
  const out = trimBlank(kept);
  return SEPARATOR.test(out.at(-1) ?? '') ? out.slice(0, -1) : out;
}

// "Sent from my iPhone" is a signature only as the last line written; followed by more of the
// author's text it is a sentence ("Sent from the Lisbon office: 3 boxes").
function isMidTextDevice(lines: string[], i: number): boolean {
  if (!DEVICE_SIGNATURE.test(lines[i] ?? '')) return false;
  const next = nextWritten(lines, i + 1);
  return next !== undefined && !QUOTED.test(next);
}

/** The first line from `from` on that is not blank (blank runs are one line: cleanLines). */
function nextWritten(lines: string[], from: number): string | undefined {
  for (let i = from; i < lines.length; i++) if ((lines[i] ?? '').trim() !== '') return lines[i];
  return undefined;
}

function dropDeviceSignature(lines: string[]): string[] {
  const out = trimBlank(lines);
  return DEVICE_SIGNATURE.test(out.at(-1) ?? '') ? out.slice(0, -1) : out;
}

function trimBlank(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && (lines[start] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return lines.slice(start, end).map((l) => l.trimEnd());
}

function startsWithThread(lines: string[]): boolean {
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first === -1) return true;
  const line = lines[first] ?? '';
  return (
    QUOTED.test(line) ||
    MARKER.test(line) ||
    SEPARATOR.test(line) ||
    isOutlookBlock(lines, first) ||
    wroteHeaderEnd(lines, first) !== -1
  );
}
