import { BaseProperty, type PropertyType } from 'adminjs';
import { enumValues, type FieldMeta } from '../../src/modules/admin-records/model-metadata.js';

const DATA_TYPES: Record<string, PropertyType> = {
  String: 'string',
  Boolean: 'boolean',
  Int: 'number',
  Float: 'number',
  // Money and big integers stay text: a float would lose cents.
  Decimal: 'string',
  BigInt: 'string',
  DateTime: 'datetime',
  Json: 'mixed',
};

/**
 * A property over one column (or relation) of the full DMMF, following @adminjs/prisma's
 * Property (which the package does not export), plus what it lacks: list columns (`String[]`),
 * calendar dates, money kept as text, and sortability limited to columns an index serves.
 */
export class ScopedProperty extends BaseProperty {
  readonly column: FieldMeta;
  readonly #sortable: boolean;
  readonly #position: number;

  constructor(column: FieldMeta, position: number, options: { sortable: boolean }) {
    super({ path: column.name });
    this.column = column;
    this.#position = position;
    this.#sortable = options.sortable;
  }

  /** The column holding the value: `accountId` for the `account` relation, else the column itself. */
  columnName(): string {
    return this.foreignColumnName() ?? this.column.name;
  }

  override name(): string {
    return this.column.name;
  }

  override isId(): boolean {
    return this.column.isId;
  }

  override isRequired(): boolean {
    return this.column.isRequired && !this.column.hasDefaultValue;
  }

  override isEditable(): boolean {
    return !this.isId() && !['createdAt', 'updatedAt'].includes(this.column.name) && !this.column.isUpdatedAt;
  }

  override isSortable(): boolean {
    return this.#sortable;
  }

  override isArray(): boolean {
    return this.column.isList && this.column.kind !== 'object';
  }

  override position(): number {
    return this.#position;
  }

  override reference(): string | null {
    return this.column.kind === 'object' && this.column.relationName ? this.column.type : null;
  }

  foreignColumnName(): string | null {
    return this.reference() ? (this.column.relationFromFields?.[0] ?? null) : null;
  }

  isEnum(): boolean {
    return this.column.kind === 'enum';
  }

  override availableValues(): string[] | null {
    return this.isEnum() ? enumValues(this.column.type) : null;
  }

  override type(): PropertyType {
    if (this.reference()) return 'reference';
    if (this.isEnum()) return 'string';
    if (this.column.type === 'DateTime' && this.column.nativeType?.[0] === 'Date') return 'date';
    if (this.column.type === 'String' && this.column.nativeType?.[0] === 'Uuid') return 'uuid';
    return DATA_TYPES[this.column.type] ?? 'string';
  }
}
