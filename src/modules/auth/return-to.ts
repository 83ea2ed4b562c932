// Where a browser goes after signing in. Only a path on this origin: anything a browser could read
// as another host (`//evil`, `/\evil`, `/<TAB>/evil`, which Chromium turns into `//evil` by
// dropping the tab) or that would break the Location header (CR, LF) falls back to `/`.
const PLACEHOLDER_ORIGIN = 'http://return-to.invalid';
// C0 controls, DEL and C1 controls: browsers strip some of them while parsing a URL, and CR/LF
// cannot be sent in a header at all.
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code <= 0x9f);

export function safeReturnTo(value: string | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//')) return '/';
  if (value.includes('\\')) return '/';
  for (let i = 0; i < value.length; i++) if (isControl(value.charCodeAt(i))) return '/';
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return '/';
  }
  if (url.origin !== PLACEHOLDER_ORIGIN) return '/';
  return url.pathname + url.search + url.hash;
}
