// The per-end-user table of a report as CSV (RFC 4180): every end user, not only the top ones.
import { money } from './report-format.ts';
import type { EndUserLine } from './report-content.ts';

/** Quotes a field when it must; a leading = + - @ is prefixed with ' so spreadsheets never run it. */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function endUsersCsv(
  rows: readonly EndUserLine[],
  currency: string,
  digits: number,
): string {
  const lines = [`user_id,records,bytes,cost_minor,cost_${currency.toLowerCase()}`];
  for (const r of rows) {
    lines.push(
      [field(r.user_id), r.records, r.bytes, r.cost_minor, money(r.cost_minor, digits)].join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
