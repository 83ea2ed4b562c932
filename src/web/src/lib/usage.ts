// Shapes of the usage, spend and report APIs, and how the pages print their numbers (in the
// reader's locale: `1 234,5 kB` in Polish, `1,234.5 kB` in English).
import { currentDisplay } from '../i18n/display.ts';
import { accent } from '../i18n/pseudo.ts';

/** Intl's locale for the display language; the pseudo-locale formats as English. */
function numberLocale(): string {
  const { locale } = currentDisplay();
  return locale === 'en-XA' ? 'en' : locale;
}

export interface UsageRow {
  app_id?: string;
  user_id?: string;
  day?: string;
  records: number;
  bytes: number;
  error_records: number;
  rejected: number | null;
  stored_bytes: number;
  queries: number;
  query_read_bytes: number;
  export_bytes: number;
  tail_minutes: number;
}

export interface UsagePage {
  from_day: string;
  to_day: string;
  rows: UsageRow[];
  next_cursor: string | null;
}

export interface AppQuota {
  app_id: string;
  name: string;
  slug: string;
  daily_quota_records: number | null;
  records_today: number;
  percent: number | null;
  warn_percent: number;
}

export interface Spend {
  month: string;
  currency: string;
  minor_digits: number;
  to_date_minor: number;
  projected_minor: number;
  elapsed_ratio: number;
}

export interface ReportListItem {
  id: string;
  month: string;
  partial: boolean;
  generated_at: string;
  delivered_at: string | null;
}

export interface ReportLine {
  records: number;
  bytes: number;
  cost_minor: number;
}

export interface Report {
  org: { id: string; slug: string; name: string };
  month: string;
  partial: boolean;
  period: { from: string; to: string };
  currency: string;
  minor_digits: number;
  totals: ReportLine & { stored_bytes: number; error_records: number };
  apps: (ReportLine & { app_id: string; name: string })[];
  end_users: (ReportLine & { user_id: string })[];
  end_users_rest: ReportLine & { users: number };
  active_end_users: number;
  signed_in_users: number;
  daily: { day: string; records: number; error_records: number }[];
  error_rate: number | null;
  ingest_lag_ms: { p50: number; p99: number } | null;
  search_p95_ms: number | null;
  ingest_availability: { ratio: number; samples: number } | null;
  alerts_fired: number;
  cost: {
    lines: { item: string; quantity: number; unit: string; amount_minor: number }[];
    total_minor: number;
  };
  previous: { month: string; totals: ReportLine } | null;
}

export function money(minor: number, digits: number, currency: string): string {
  return new Intl.NumberFormat(numberLocale(), {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(minor / 10 ** digits);
}

export function count(n: number): string {
  return n.toLocaleString(numberLocale());
}

export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i += 1;
  }
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  const number = new Intl.NumberFormat(numberLocale(), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(v);
  // Unit symbols are the same in every shipped language; the pseudo-locale marks them as shown.
  const unit = currentDisplay().locale === 'en-XA' ? accent(units[i]!) : units[i]!;
  return `${number} ${unit}`;
}
