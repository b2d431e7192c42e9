// `Content-Disposition: attachment` for a file name a stranger wrote (RFC 6266 §4.3): an ASCII
// `filename` fallback for old clients, and the exact name as `filename*` in RFC 8187's UTF-8
// percent-encoding. Quotes, backslashes and control characters never reach the header.

export function attachmentDisposition(filename: string): string {
  const name = filename.trim() || 'attachment';
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** RFC 8187 §3.2.1 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; everything else percent-encoded. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
