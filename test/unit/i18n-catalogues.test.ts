// The shipped catalogues: every English key in every language (the Catalogue type enforces it at
// typecheck; this also catches extra keys), valid ICU, the same arguments as the English message,
// and the plural categories each language needs. The pseudo-locale keeps the arguments too.
import t from 'tap';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { catalogues } from '../../src/web/src/i18n/catalogues.ts';
import { en } from '../../src/web/src/i18n/messages/en.ts';
import { SUPPORTED_LOCALES } from '../../src/modules/preferences/locales.ts';

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (
      el.type === TYPE.argument ||
      el.type === TYPE.number ||
      el.type === TYPE.date ||
      el.type === TYPE.time
    )
      into.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      into.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    }
    if (el.type === TYPE.tag) argumentsOf(el.children, into);
  }
  return into;
}

function pluralKeys(elements: MessageFormatElement[]): string[][] {
  return elements
    .filter((el) => el.type === TYPE.plural)
    .map((el) => Object.keys((el as { options: Record<string, unknown> }).options));
}

const englishKeys = Object.keys(en).sort();
const NEEDED_PLURALS: Record<string, string[]> = {
  en: ['one', 'other'],
  pl: ['one', 'few', 'many', 'other'],
  de: ['one', 'other'],
};

for (const locale of [...SUPPORTED_LOCALES, 'en-XA' as const]) {
  t.test(`catalogue ${locale}`, async (t) => {
    const catalogue = catalogues[locale] as Record<string, string>;
    t.same(Object.keys(catalogue).sort(), englishKeys, 'exactly the English keys');
    for (const key of englishKeys) {
      const message = catalogue[key];
      if (typeof message !== 'string' || !message.trim()) {
        t.fail(`${locale} ${key}: empty`);
        continue;
      }
      let elements: MessageFormatElement[];
      try {
        elements = parse(message);
      } catch (error) {
        t.fail(`${locale} ${key}: invalid ICU (${String(error)})`);
        continue;
      }
      const source = parse(en[key as keyof typeof en]);
      t.same(
        [...argumentsOf(elements)].sort(),
        [...argumentsOf(source)].sort(),
        `${locale} ${key}: the same arguments`,
        { diagnostic: false },
      );
      const needed = NEEDED_PLURALS[locale];
      for (const options of needed ? pluralKeys(elements) : [])
        for (const category of needed!)
          t.ok(options.includes(category), `${locale} ${key}: plural "${category}"`, {
            diagnostic: false,
          });
    }
  });
}
