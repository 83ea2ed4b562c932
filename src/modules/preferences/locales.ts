// The languages the web app ships a complete catalogue for. Shared by the preference API (which
// refuses others) and the SPA (which offers exactly these in the language picker).
export const SUPPORTED_LOCALES = ['en', 'pl', 'de'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

export function isSupportedLocale(value: string): value is SupportedLocale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** An IANA zone name the runtime knows (`Europe/Warsaw`, `UTC`); aliases such as `Etc/GMT+1` too. */
export function isKnownTimeZone(value: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
