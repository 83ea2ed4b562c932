// The active language and time zone for the whole SPA. The signed-in user's saved choice wins, then
// the one picked on this browser (so sign-in speaks it too), then the browser's languages; null
// preferences follow the browser. The explorer's UTC toggle overrides the zone for display only.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { RawIntlProvider } from 'react-intl';
import { api } from '../lib/api.ts';
import { useSession } from '../lib/session.tsx';
import { SUPPORTED_LOCALES, isSupportedLocale } from '../../../modules/preferences/locales.ts';
import { catalogues, type Locale, type MessageKey } from './catalogues.ts';
import {
  browserTimeZone,
  hasMessage,
  makeDisplay,
  setCurrentDisplay,
  type Display,
  type Values,
} from './display.ts';

const LOCALE_KEY = 'mylog.locale';
const UTC_KEY = 'mylog.utc';

function isLocale(value: string | null | undefined): value is Locale {
  return !!value && value in catalogues;
}

export function browserLocale(): Locale {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0]!;
    if (isSupportedLocale(base)) return base;
  }
  return 'en';
}

interface I18nValue {
  display: Display;
  /** The zone the user chose (or the browser's), whatever the UTC toggle says. */
  userTimeZone: string;
  utc: boolean;
  setUtc: (utc: boolean) => void;
  setLocale: (locale: Locale) => Promise<void>;
  setTimeZone: (zone: string | null) => Promise<void>;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const { me, refresh } = useSession();
  const [picked, setPicked] = useState<string | null>(() => localStorage.getItem(LOCALE_KEY));
  const [utc, setUtcState] = useState(() => localStorage.getItem(UTC_KEY) === '1');
  const saved = me?.preferences?.locale;
  const locale: Locale = isLocale(saved) ? saved : isLocale(picked) ? picked : browserLocale();
  const userTimeZone = me?.preferences?.time_zone ?? browserTimeZone();
  const timeZone = utc ? 'UTC' : userTimeZone;

  const display = useMemo(() => {
    const next = makeDisplay(locale, timeZone);
    setCurrentDisplay(next);
    document.documentElement.lang = locale;
    return next;
  }, [locale, timeZone]);

  const setUtc = useCallback((next: boolean) => {
    localStorage.setItem(UTC_KEY, next ? '1' : '0');
    setUtcState(next);
  }, []);

  const setLocale = useCallback(
    async (next: Locale) => {
      localStorage.setItem(LOCALE_KEY, next);
      setPicked(next);
      if (me && isSupportedLocale(next)) {
        await api('/v1/me/preferences', { method: 'PATCH', body: { locale: next } });
        await refresh();
      }
    },
    [me, refresh],
  );

  const setTimeZone = useCallback(
    async (zone: string | null) => {
      await api('/v1/me/preferences', { method: 'PATCH', body: { time_zone: zone } });
      await refresh();
    },
    [refresh],
  );

  return (
    <I18nContext.Provider value={{ display, userTimeZone, utc, setUtc, setLocale, setTimeZone }}>
      <RawIntlProvider value={display.intl}>{children}</RawIntlProvider>
    </I18nContext.Provider>
  );
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

export type TFunction = (key: MessageKey, values?: Values) => string;

/** The catalogue lookup for components; re-renders them when the language changes. */
export function useT(): TFunction {
  const { intl } = useI18n().display;
  return useCallback((key, values) => intl.formatMessage({ id: key }, values), [intl]);
}

export { SUPPORTED_LOCALES };

/** A membership role in the reader's language (the API's role names stay English). */
export function roleName(t: TFunction, role: string): string {
  const key = `role.${role}`;
  return hasMessage(key) ? t(key) : role;
}
