/**
 * Just enough of PromQL to check an expression an operator's file holds: the metric names it reads and
 * the functions it calls, and whether its brackets, strings and range durations are well formed. Not a
 * parser: a wrong operator precedence passes; a misspelt metric, an unknown function or an unclosed
 * bracket does not.
 */

/** Aggregations and functions of PromQL (the ones a rule or a panel here may call). */
export const PROMQL_FUNCTIONS: ReadonlySet<string> = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'topk',
  'bottomk',
  'quantile',
  'rate',
  'irate',
  'increase',
  'delta',
  'deriv',
  'histogram_quantile',
  'min_over_time',
  'max_over_time',
  'avg_over_time',
  'absent',
  'absent_over_time',
  'changes',
  'resets',
  'time',
  'timestamp',
  'clamp_min',
  'clamp_max',
  'label_replace',
  'vector',
  'scalar',
]);

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

export interface PromqlReading {
  metrics: string[];
  functions: string[];
  problems: string[];
}

/** The metric names and functions an expression uses, and what is malformed in it. */
export function readPromql(expr: string): PromqlReading {
  const problems: string[] = [];
  // Strings (label values, regexes) and `{…}` matchers hold no metric names.
  const noStrings = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of noStrings) {
    if (ch === '(' || ch === '[' || ch === '{') stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) problems.push(`unbalanced "${ch}" in ${expr}`);
  }
  if (stack.length > 0) problems.push(`unclosed "${stack.join('')}" in ${expr}`);
  for (const range of noStrings.matchAll(/\[([^\]]*)\]/g)) {
    if (!/^\d+[smhdw]$/.test(range[1] ?? '')) problems.push(`bad range "[${range[1]}]" in ${expr}`);
  }
  const bare = noStrings
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const metrics = new Set<string>();
  const functions = new Set<string>();
  for (const match of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const name = match[1] ?? '';
    if (KEYWORDS.has(name) || /^\d/.test(name)) continue;
    if (match[2] !== undefined) {
      functions.add(name);
      if (!PROMQL_FUNCTIONS.has(name)) problems.push(`unknown function ${name}() in ${expr}`);
    } else metrics.add(name);
  }
  if (metrics.size === 0) problems.push(`no metric read in ${expr}`);
  return { metrics: [...metrics], functions: [...functions], problems };
}

/** The name a series of this metric family is exposed under in `# TYPE` (a histogram's _bucket/_sum/_count are its own). */
export function familyOf(name: string, types: ReadonlyMap<string, string>): string | undefined {
  if (types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && types.get(base) === 'histogram' ? base : undefined;
}
