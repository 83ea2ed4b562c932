// Pseudo-localisation: every letter of a message's own text becomes an accented look-alike, and
// ICU arguments, plural and select syntax stay intact. A page rendered in `en-XA` that still shows
// plain ASCII words has text that bypassed the catalogue.
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';

const ACCENTED: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i) => [
    c,
    [...'àƀçđéƒĝĥíĵķĺɱñóþʠŕšţúʋŵẋýžÀƁÇĐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ'][i]!,
  ]),
);

export function accent(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => ACCENTED[c] ?? c);
}

function print(elements: MessageFormatElement[]): string {
  return elements
    .map((el) => {
      switch (el.type) {
        case TYPE.literal:
          return accent(el.value).replace(/[{}]/g, (c) => `'${c}'`);
        case TYPE.argument:
          return `{${el.value}}`;
        case TYPE.number:
          return `{${el.value}, number}`;
        case TYPE.date:
          return `{${el.value}, date}`;
        case TYPE.time:
          return `{${el.value}, time}`;
        case TYPE.pound:
          return '#';
        case TYPE.plural:
        case TYPE.select: {
          const kind =
            el.type === TYPE.select
              ? 'select'
              : el.pluralType === 'ordinal'
                ? 'selectordinal'
                : 'plural';
          const options = Object.entries(el.options)
            .map(([key, option]) => `${key} {${print(option.value)}}`)
            .join(' ');
          return `{${el.value}, ${kind}, ${options}}`;
        }
        case TYPE.tag:
          return `<${el.value}>${print(el.children)}</${el.value}>`;
        default:
          return '';
      }
    })
    .join('');
}

export function pseudo<T extends Record<string, string>>(catalogue: T): T {
  return Object.fromEntries(
    Object.entries(catalogue).map(([key, message]) => [key, print(parse(message))]),
  ) as T;
}
