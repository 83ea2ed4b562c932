// `$name` in a panel's query text takes the variable's current value (its default unless the
// viewer picked another). An empty value or `*` becomes `*`, so `service:$service` then reads
// "any service"; a value the query language would split is quoted. The SPA has the same rule
// (src/web/src/lib/dashboard-variables.ts).
export interface DashboardVariable {
  name: string;
  field: string;
  default: string;
}

const PLAIN = /^[A-Za-z0-9_.\-/:@]+$/;

export function quoteValue(value: string): string {
  if (value === '' || value === '*') return '*';
  return PLAIN.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function fillVariables(
  q: string,
  variables: readonly DashboardVariable[],
  values: Readonly<Record<string, string>>,
): string {
  return q.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => {
    const variable = variables.find((v) => v.name === name);
    if (!variable) return whole;
    return quoteValue(values[name] ?? variable.default);
  });
}
