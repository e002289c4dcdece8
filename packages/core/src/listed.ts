/** `a`, `a or b`, `a, b or c` (or with `and`): a list as a message reads it. */
export function listed(values: readonly string[], conjunction: 'and' | 'or'): string {
  if (values.length < 2) return values.join('');
  return `${values.slice(0, -1).join(', ')} ${conjunction} ${values.at(-1)!}`;
}
