// The shipped catalogues. English is the source: its keys are the type every other catalogue must
// fill completely (typecheck fails on a missing key); test/unit/i18n-catalogues.test.ts checks the
// ICU syntax and that each translation uses the same arguments.
import { de } from './messages/de.ts';
import { en } from './messages/en.ts';
import { pl } from './messages/pl.ts';
import { pseudo } from './pseudo.ts';
import type { SupportedLocale } from '../../../modules/preferences/locales.ts';

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;
/** The shipped languages, plus `en-XA`: pseudo-English the browser test renders every page in. */
export type Locale = SupportedLocale | 'en-XA';

export const catalogues: Record<Locale, Catalogue> = { en, pl, de, 'en-XA': pseudo(en) };

/** Each language's name in itself, for the picker. */
export const LANGUAGE_NAMES: Record<SupportedLocale, string> = {
  en: 'English',
  pl: 'Polski',
  de: 'Deutsch',
};
