/**
 * Spreadsheet formula injection (CSV injection), neutralised as OWASP recommends: a cell whose
 * text starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel,
 * LibreOffice and Google Sheets, so it gets a leading `'` and stays text. A cell that is exactly a
 * decimal number (`-12.50`) is left alone: it cannot be a formula, and it must stay a number.
 * The same rule exists twice, once for cells written in Node and once for cells PostgreSQL's
 * COPY writes (record exports stream from the database); `tests/unit/csv.test.ts` holds them equal.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?[0-9]+(\.[0-9]+)?$/;

/** The cell's text made safe to open in a spreadsheet. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The same rule as a PostgreSQL expression over a text expression (for COPY … CSV). */
export function neutraliseFormulaSql(textExpression: string): string {
  return (
    `CASE WHEN ${textExpression} ~ '^[=+\\-@\\t\\r]' AND ${textExpression} !~ '^[+-]?[0-9]+(\\.[0-9]+)?$' ` +
    `THEN '''' || ${textExpression} ELSE ${textExpression} END`
  );
}
