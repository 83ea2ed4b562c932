// Numbers as people read them in the PDF and CSV (the JSON keeps integers).

export function money(minor: number, digits: number, currency?: string): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale).toString();
  const text = digits === 0 ? whole : `${whole}.${String(abs % scale).padStart(digits, '0')}`;
  return `${sign}${text}${currency ? ` ${currency}` : ''}`;
}

export function bytesText(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

export function countText(n: number): string {
  return n.toLocaleString('en-US');
}

export function percentText(ratio: number | null, digits = 2): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(digits)} %`;
}
