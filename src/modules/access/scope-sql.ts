import { AppError } from '../../lib/errors.js';

/** A PostgreSQL type a parameter is cast to. Only these appear in generated SQL. */
export type SqlType =
  'uuid' | 'text' | 'timestamptz' | 'timestamp' | 'date' | 'numeric' | 'int' | 'bigint' | 'boolean' | `"${string}"`;

const quoteIdent = (name: string): string => {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`);
  return `"${name}"`;
};
export const col = (alias: string, name: string): string => `${alias}.${quoteIdent(name)}`;

/** The text form of a PostgreSQL array literal, every element quoted and escaped. */
function arrayLiteral(values: readonly unknown[]): string {
  return `{${values.map((v) => `"${String(v).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

/**
 * Where a translated condition's values go. The SQL text only ever holds identifiers we chose,
 * casts from SqlType and the placeholders a binder returns; values never enter the text.
 */
export interface SqlBinder {
  /** A placeholder for one value. */
  add(value: string | number | boolean | Date, type: SqlType): string;
  /** A placeholder for an array of values (for `= ANY(...)`). */
  addArray(values: readonly (string | number)[], type: SqlType): string;
}

/** Ordinary positional bind parameters (`$1`, `$2`, …) for pg or `$queryRawUnsafe`. */
export class PositionalParams implements SqlBinder {
  readonly values: unknown[] = [];

  add(value: string | number | boolean | Date, type: SqlType): string {
    this.values.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.values.length}::${type}`;
  }

  addArray(values: readonly (string | number)[], type: SqlType): string {
    this.values.push([...values]);
    return `$${this.values.length}::${type}[]`;
  }
}

/**
 * Builds SQL whose values are never spliced into the text. `COPY (query) TO STDOUT` cannot take
 * bind parameters, so each value is bound with `SELECT set_config($1, $2, true)` (a real bind
 * parameter, transaction-local) and the query reads it back as `current_setting(name)::type`.
 * The generated text therefore only ever contains identifiers we chose and casts from SqlType.
 */
export class SqlParams implements SqlBinder {
  readonly values: Array<{ name: string; value: string }> = [];
  private readonly prefix: string;

  constructor(prefix = 'bo_export') {
    this.prefix = prefix;
  }

  /** A placeholder for one value. */
  add(value: string | number | boolean | Date, type: SqlType): string {
    const text = value instanceof Date ? value.toISOString() : String(value);
    return `${this.ref(text)}::${type}`;
  }

  /** A placeholder for an array of values (for `= ANY(...)`). */
  addArray(values: readonly (string | number)[], type: SqlType): string {
    return `${this.ref(arrayLiteral(values))}::${type}[]`;
  }

  private ref(text: string): string {
    const name = `${this.prefix}.p${this.values.length + 1}`;
    this.values.push({ name, value: text });
    return `current_setting('${name}')`;
  }
}

/** The columns a CASL condition may mention on one model, with their SQL type. */
export type FieldTypes = Readonly<Record<string, SqlType>>;

const unsupported = (what: string) =>
  new AppError({
    code: 'ACCESS.SCOPE_UNSUPPORTED',
    kind: 'INTERNAL_ERROR',
    internal: `cannot translate ability condition: ${what}`,
  });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A decimal (Prisma's decimal.js): a scalar, though an object. */
const isDecimal = (v: unknown): boolean => isPlainObject(v) && typeof (v as { toFixed?: unknown }).toFixed === 'function';

/** A scalar operand as a bind value: decimals and big integers travel as their exact text. */
function operandOf(value: unknown): string | number | boolean | Date {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'bigint' || isDecimal(value)) return String(value);
  throw unsupported(`value of type ${typeof value}`);
}

const COMPARISONS: Readonly<Record<string, string>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };
/** Prisma's LIKE operators: the operand is used as Prisma uses it (its own % and _ stay wildcards). */
const PATTERNS: Readonly<Record<string, (v: string) => string>> = {
  contains: (v) => `%${v}%`,
  startsWith: (v) => `${v}%`,
  endsWith: (v) => `%${v}`,
};

function fieldCondition(column: string, type: SqlType, value: unknown, params: SqlBinder): string {
  if (value === null) return `${column} IS NULL`;
  if (!isPlainObject(value) || isDecimal(value)) return `${column} = ${params.add(operandOf(value), type)}`;
  const parts: string[] = [];
  const insensitive = value.mode === 'insensitive';
  for (const [op, operand] of Object.entries(value)) {
    switch (op) {
      case 'equals':
        parts.push(fieldCondition(column, type, operand, params));
        break;
      case 'in':
        if (!Array.isArray(operand)) throw unsupported('in without array');
        parts.push(operand.length ? `${column} = ANY(${params.addArray(operand.map(listOperand), type)})` : 'FALSE');
        break;
      case 'notIn':
        if (!Array.isArray(operand)) throw unsupported('notIn without array');
        parts.push(operand.length ? `NOT (${column} = ANY(${params.addArray(operand.map(listOperand), type)}))` : 'TRUE');
        break;
      case 'not':
        parts.push(`NOT (${fieldCondition(column, type, operand, params)})`);
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        if (operand === null || operand === undefined) throw unsupported(`${op} without a value`);
        parts.push(`${column} ${COMPARISONS[op]} ${params.add(operandOf(operand), type)}`);
        break;
      case 'contains':
      case 'startsWith':
      case 'endsWith':
        if (typeof operand !== 'string' || type !== 'text') throw unsupported(`${op} on ${type}`);
        parts.push(`${column} ${insensitive ? 'ILIKE' : 'LIKE'} ${params.add(PATTERNS[op]!(operand), 'text')}`);
        break;
      case 'mode':
        if (operand !== 'insensitive' && operand !== 'default') throw unsupported(`mode ${String(operand)}`);
        break;
      default:
        throw unsupported(`operator ${op}`);
    }
  }
  return parts.reduce(sqlAnd, 'TRUE');
}

const listOperand = (v: unknown): string | number => {
  const operand = operandOf(v);
  if (typeof operand === 'boolean' || operand instanceof Date) throw unsupported('list of booleans or dates');
  return operand;
};

/**
 * The one CASL → SQL path. Translates the Prisma `where` that CASL's `accessibleBy` produces
 * (scope() in shared/guard.ts) into a SQL condition over `alias`, for the queries written in SQL
 * (COPY exports, the transaction list, budget spending, the admin's reads). Only the shapes our
 * ability definition and the admin's filters emit are understood (AND/OR/NOT, equality, `in`,
 * `notIn`, `not`, comparisons, `contains`/`startsWith`/`endsWith` with their `mode`, on the
 * listed fields); anything else throws, so a read fails closed rather than returning more than
 * the requester may see.
 */
export function prismaWhereToSql(where: unknown, alias: string, fields: FieldTypes, params: SqlBinder): string {
  if (!isPlainObject(where)) throw unsupported('non-object where');
  const parts: string[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === 'AND') {
      const list = Array.isArray(value) ? value : [value];
      parts.push(list.map((w) => prismaWhereToSql(w, alias, fields, params)).reduce(sqlAnd, 'TRUE'));
    } else if (key === 'OR') {
      if (!Array.isArray(value)) throw unsupported('OR without array');
      parts.push(value.map((w) => prismaWhereToSql(w, alias, fields, params)).reduce(sqlOr, 'FALSE'));
    } else if (key === 'NOT') {
      const list = Array.isArray(value) ? value : [value];
      const any = list.map((w) => prismaWhereToSql(w, alias, fields, params)).reduce(sqlOr, 'FALSE');
      parts.push(any === 'FALSE' ? 'TRUE' : any === 'TRUE' ? 'FALSE' : `NOT (${any})`);
    } else {
      const type = fields[key];
      if (!type) throw unsupported(`field ${key}`);
      parts.push(fieldCondition(col(alias, key), type, value, params));
    }
  }
  return parts.reduce(sqlAnd, 'TRUE');
}

/** `a OR b` that stays readable (and cheap) when either side is a constant. */
export function sqlOr(a: string, b: string): string {
  if (a === 'TRUE' || b === 'TRUE') return 'TRUE';
  if (a === 'FALSE') return b;
  if (b === 'FALSE') return a;
  return `(${a}) OR (${b})`;
}

/** `a AND b`, simplified the same way. */
export function sqlAnd(a: string, b: string): string {
  if (a === 'FALSE' || b === 'FALSE') return 'FALSE';
  if (a === 'TRUE') return b;
  if (b === 'TRUE') return a;
  return `(${a}) AND (${b})`;
}
