import { Prisma } from '@prisma/client';

/**
 * Renders the CASL-derived Prisma `where` of an ability (scope()) as a parameterised SQL
 * condition, for the few hot queries written in SQL (the transaction list). It understands what
 * our abilities produce — AND/OR/NOT, equality and `in` on whitelisted columns — and returns
 * null for anything else, so callers fall back to the Prisma query rather than guess.
 */
export function scopeToSql(where: unknown, columns: ReadonlySet<string>, alias = ''): Prisma.Sql | null {
  if (where === null || typeof where !== 'object' || Array.isArray(where)) return null;
  const parts: Prisma.Sql[] = [];
  for (const [key, value] of Object.entries(where as Record<string, unknown>)) {
    if (key === 'AND' || key === 'OR') {
      const list = Array.isArray(value) ? value : [value];
      const rendered = list.map((item) => scopeToSql(item, columns, alias));
      if (rendered.some((r) => r === null)) return null;
      if (rendered.length === 0) parts.push(key === 'AND' ? Prisma.sql`TRUE` : Prisma.sql`FALSE`);
      else parts.push(Prisma.sql`(${Prisma.join(rendered, key === 'AND' ? ' AND ' : ' OR ')})`);
      continue;
    }
    if (key === 'NOT') {
      const list = Array.isArray(value) ? value : [value];
      const rendered = list.map((item) => scopeToSql(item, columns, alias));
      if (rendered.some((r) => r === null)) return null;
      for (const r of rendered as Prisma.Sql[]) parts.push(Prisma.sql`NOT ${r}`);
      continue;
    }
    if (!columns.has(key)) return null;
    const column = Prisma.raw(`${alias}"${key}"`);
    if (typeof value === 'string') {
      parts.push(Prisma.sql`${column} = ${value}`);
      continue;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const ops = Object.entries(value as Record<string, unknown>);
      for (const [op, operand] of ops) {
        if (op === 'equals' && typeof operand === 'string') parts.push(Prisma.sql`${column} = ${operand}`);
        else if (op === 'in' && Array.isArray(operand) && operand.every((v) => typeof v === 'string'))
          parts.push(operand.length === 0 ? Prisma.sql`FALSE` : Prisma.sql`${column} IN (${Prisma.join(operand)})`);
        else return null;
      }
      continue;
    }
    return null;
  }
  return parts.length === 0 ? Prisma.sql`TRUE` : Prisma.join(parts, ' AND ', '(', ')');
}
