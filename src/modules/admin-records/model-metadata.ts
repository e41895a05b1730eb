import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The full Prisma datamodel, written at generate time by prisma/dmmf-generator.mjs (the runtime
 * Prisma.dmmf is slimmed under the query compiler: no ids, requiredness or relations).
 */
export interface FieldMeta {
  name: string;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isReadOnly: boolean;
  isUnique: boolean;
  hasDefaultValue: boolean;
  isUpdatedAt: boolean;
  nativeType?: [string, string[]] | null;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
}

export interface ModelMeta {
  name: string;
  fields: FieldMeta[];
  [key: string]: unknown;
}

export interface EnumMeta {
  name: string;
  values: Array<{ name: string }>;
  [key: string]: unknown;
}

export interface Datamodel {
  models: ModelMeta[];
  enums: EnumMeta[];
  types: unknown[];
}

export const DMMF_PATH = fileURLToPath(new URL('../../../prisma/generated/dmmf.json', import.meta.url));

let cached: Datamodel | undefined;

/** The full datamodel (read once per process). */
export function datamodel(): Datamodel {
  cached ??= JSON.parse(readFileSync(DMMF_PATH, 'utf8')) as Datamodel;
  return cached;
}

export function modelMeta(name: string): ModelMeta {
  const model = datamodel().models.find((m) => m.name === name);
  if (!model) throw new Error(`Unknown model ${name} in ${DMMF_PATH}`);
  return model;
}

/** Enum values by enum name. */
export function enumValues(name: string): string[] {
  return (
    datamodel()
      .enums.find((e) => e.name === name)
      ?.values.map((v) => v.name) ?? []
  );
}

/** The scalar and enum columns of a model, by name (relations and back-relations excluded). */
export function columnsOf(name: string): Map<string, FieldMeta> {
  return new Map(
    modelMeta(name)
      .fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum')
      .map((f) => [f.name, f]),
  );
}

export const isUuidColumn = (field: FieldMeta): boolean => field.nativeType?.[0] === 'Uuid';
