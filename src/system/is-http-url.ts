/** Whether `text` is an `http://` or `https://` URL: one that httpRequest (http-request.ts) can send. */
export function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}
