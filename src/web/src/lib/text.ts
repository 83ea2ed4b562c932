// Log content is only ever rendered as React text. Control characters (ANSI escapes among them) are
// made visible instead of being swallowed, so `\x1b[31m` reads as `␛[31m`.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export function visibleControlChars(text: string): string {
  return text.replace(CONTROL, (ch) =>
    ch === '\u007f' ? '␡' : String.fromCharCode(0x2400 + ch.charCodeAt(0)),
  );
}

/** One line for the list: newlines and tabs shown as spaces. */
export function oneLine(text: string, max = 2000): string {
  const flat = visibleControlChars(text.length > max ? `${text.slice(0, max)}…` : text);
  return flat.replace(/[\r\n\t]+/g, ' ');
}
