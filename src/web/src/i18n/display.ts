// What the SPA formats with, outside React as well as inside: the active locale and time zone.
// One module-level value, set by the I18nProvider, so lib/ helpers (time.ts, api.ts) format the
// way the components do without every call site passing both.
import { createIntl, createIntlCache, type IntlShape } from 'react-intl';
import { catalogues, type Locale, type MessageKey } from './catalogues.ts';

export interface Display {
  locale: Locale;
  /** The user's zone (IANA name); the explorer's UTC toggle overrides it with 'UTC'. */
  timeZone: string;
  intl: IntlShape;
}

const cache = createIntlCache();

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export function makeDisplay(locale: Locale, timeZone: string): Display {
  const intl = createIntl(
    { locale, messages: catalogues[locale], defaultLocale: 'en', timeZone },
    cache,
  );
  return { locale, timeZone, intl };
}

let current: Display = makeDisplay('en', browserTimeZone());

export function currentDisplay(): Display {
  return current;
}

export function setCurrentDisplay(next: Display): void {
  current = next;
}

export type Values = Record<string, string | number | Date | null | undefined>;

/** A catalogue message for non-React code; components use `useT()` so they re-render on change. */
export function t(key: MessageKey, values?: Values): string {
  return current.intl.formatMessage({ id: key }, values);
}

export function hasMessage(key: string): key is MessageKey {
  return key in current.intl.messages;
}
