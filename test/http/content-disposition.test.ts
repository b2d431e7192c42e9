import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../src/http/content-disposition.ts';

describe('Content-Disposition for a stranger’s file name (RFC 6266)', () => {
  it('when the name is plain ASCII, then both forms carry it unchanged', () => {
    expect(attachmentDisposition('quote-2026.pdf')).toBe(
      `attachment; filename="quote-2026.pdf"; filename*=UTF-8''quote-2026.pdf`,
    );
  });

  it('when the name has accents, quotes and a line break, then the fallback is plain ASCII and filename* keeps the exact name', () => {
    const header = attachmentDisposition('Relatório "final"\r\nSet-Cookie: x=1.pdf');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toContain('filename="Relat_rio _final___Set-Cookie: x=1.pdf"');
    const encoded = /filename\*=UTF-8''(\S+)$/.exec(header)?.[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe('Relatório "final"\r\nSet-Cookie: x=1.pdf');
    expect(encoded).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
  });

  it('when the part has no name, then the download is called "attachment"', () => {
    expect(attachmentDisposition('  ')).toBe(
      `attachment; filename="attachment"; filename*=UTF-8''attachment`,
    );
  });
});
