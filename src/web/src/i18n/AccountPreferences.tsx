// The language and time-zone pickers of the user menu. Both are saved to the user's preferences, so
// they follow the user to other browsers and survive signing in again.
import { useMemo, useState } from 'react';
import { errorMessage } from '../lib/api.ts';
import { LANGUAGE_NAMES } from './catalogues.ts';
import { browserTimeZone } from './display.ts';
import { SUPPORTED_LOCALES, useI18n, useT } from './I18nProvider.tsx';
import { useSession } from '../lib/session.tsx';

export function AccountPreferences() {
  const t = useT();
  const { me } = useSession();
  const { display, setLocale, setTimeZone } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone'), []);
  const saved = me?.preferences?.time_zone ?? '';
  const fail = (e: unknown) => setError(errorMessage(e));

  return (
    <div className="account-preferences">
      <label className="menu-field">
        <span>{t('account.language')}</span>
        <select
          className="select"
          value={SUPPORTED_LOCALES.find((l) => l === display.locale) ?? ''}
          onChange={(e) => {
            setError(null);
            setLocale(e.target.value as (typeof SUPPORTED_LOCALES)[number]).catch(fail);
          }}
        >
          {SUPPORTED_LOCALES.map((locale) => (
            <option key={locale} value={locale} lang={locale} translate="no">
              {LANGUAGE_NAMES[locale]}
            </option>
          ))}
        </select>
      </label>
      <label className="menu-field">
        <span>{t('account.timeZone')}</span>
        <select
          className="select"
          value={saved}
          onChange={(e) => {
            setError(null);
            setTimeZone(e.target.value || null).catch(fail);
          }}
        >
          <option value="">{t('account.timeZoneBrowser', { zone: browserTimeZone() })}</option>
          {zones.map((zone) => (
            <option key={zone} value={zone} translate="no">
              {zone}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
