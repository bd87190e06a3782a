/**
 * Just enough of RFC 5322 / 2045 / 2047 to read what nodemailer sends for a plain-text
 * email: unfolded headers, encoded words (`=?UTF-8?Q?...?=`, `?B?`) and a
 * quoted-printable or 7bit body. For tests only; not a general MIME parser.
 */

export interface MimeMessage {
  /** Header names in lower case, values unfolded and decoded. */
  headers: Map<string, string>;
  /** The body decoded, line ends as `\n`. */
  text: string;
}

export function parseMimeMessage(raw: string): MimeMessage {
  const normalized = raw.replaceAll('\r\n', '\n');
  const split = normalized.indexOf('\n\n');
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? '' : normalized.slice(split + 2);
  const headers = new Map<string, string>();
  for (const line of head.replaceAll(/\n(?=[ \t])/g, '').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), decodeEncodedWords(line.slice(colon + 1).trim()));
  }
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  return { headers, text: encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body };
}

/** Decodes the encoded words of a header value; white space between two of them goes (RFC 2047 §6.2). */
export function decodeEncodedWords(value: string): string {
  return value
    .replaceAll(/\?=\s+=\?/g, '?==?')
    .replaceAll(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_word, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : qBytes(text.replaceAll('_', ' ')).toString('utf8'),
    );
}

/** A quoted-printable body: soft line breaks joined, `=XX` turned back into bytes, read as UTF-8. */
export function decodeQuotedPrintable(text: string): string {
  return qBytes(text.replaceAll(/=\n/g, '')).toString('utf8');
}

function qBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const hex = text.slice(index + 1, index + 3);
    if (text[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes);
}
