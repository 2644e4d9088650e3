import type { CompiledRubric } from "../index.js";
import { CliError, UsageError, at } from "./errors.js";
import { IDENTITY_FIELDS } from "./options.js";

/** How a file's columns are used: worked out once from the header, then read by position. */
export interface ColumnPlan {
  readonly file: string;
  readonly header: readonly string[];
  /** Column of `id`, or -1 when absent (allowed only when not required). */
  readonly idCol: number;
  /** Identity fields present, in the canonical order, with their columns. */
  readonly identity: readonly { readonly field: string; readonly col: number }[];
  /** Columns carried unchanged, in file order. */
  readonly passthrough: readonly number[];
  /** Value columns and the node (or node position) each one gives. */
  readonly valueCols: Int32Array;
  readonly valueNodes: Int32Array;
  /** Output field name → column: identity fields by canonical name, the others by header name. */
  readonly fieldCols: ReadonlyMap<string, number>;
}

export interface PlanOptions {
  readonly command: string;
  /** `--map FIELD=COLUMN` pairs. */
  readonly maps: readonly (readonly [string, string])[];
  /** The node a header name gives (code or alias), or undefined. */
  readonly nodeOf: (name: string, col: number) => number | undefined;
  /** The node a `--map` FIELD names, or undefined (then FIELD must be an identity field). */
  readonly nodeOfField?: (field: string) => number | undefined;
  /** Display name of node `i`, for messages. */
  readonly nodeName?: (node: number) => string;
  readonly requireId: boolean;
  /** Column names the output writes itself, refused as pass-through columns. */
  readonly reserved?: readonly string[];
}

/**
 * The node look-ups of a plan for a rubric's input files: headers and `--map` fields name nodes by
 * code or alias.
 * @param rubric - the rubric scoring the file
 * @returns `nodeOf`, `nodeOfField` and `nodeName` for `planColumns`
 */
export function rubricLookups(rubric: CompiledRubric): Pick<PlanOptions, "nodeOf" | "nodeOfField" | "nodeName"> {
  return {
    nodeOf: (name) => rubric.index.get(name),
    nodeOfField: (field) => rubric.index.get(field),
    nodeName: (node) => rubric.nodes[node]!.code,
  };
}

const MAX_LISTED = 12;

function listColumns(header: readonly string[]): string {
  const shown = header.slice(0, MAX_LISTED).map((h) => JSON.stringify(h)).join(", ");
  return header.length > MAX_LISTED ? `${shown}, ... (${header.length} in all)` : shown;
}

/**
 * Works out identity, value and pass-through columns from a header.
 * @throws UsageError for a `--map` FIELD that is neither an identity field nor a node
 * @throws CliError (fatal) for duplicate column names, a mapped column that does not exist, a
 *   missing `id`, a node given by two columns, or a reserved name
 */
export function planColumns(file: string, header: readonly string[], options: PlanOptions): ColumnPlan {
  const { command, maps, nodeOf } = options;
  const byName = new Map<string, number>();
  header.forEach((name, col) => {
    const first = byName.get(name);
    if (first !== undefined) {
      throw new CliError(`${at(file, 1, col + 1)}column ${JSON.stringify(name)} appears twice (columns ${first + 1} and ${col + 1}); column names must be unique`);
    }
    byName.set(name, col);
  });

  const fieldCol = new Map<string, number>();
  const mappedNode = new Map<number, number>();
  const usedBy = new Map<number, string>();
  for (const [field, column] of maps) {
    const isIdentity = (IDENTITY_FIELDS as readonly string[]).includes(field);
    const node = isIdentity ? undefined : options.nodeOfField?.(field);
    if (!isIdentity && node === undefined) {
      throw new UsageError(command, `--map ${field}=${column}: ${JSON.stringify(field)} is not a field (${IDENTITY_FIELDS.join(", ")})${options.nodeOfField ? " or a node code of the rubric" : ""}`);
    }
    if (fieldCol.has(field) || (node !== undefined && [...mappedNode.values()].includes(node))) {
      throw new UsageError(command, `--map ${field}=... is given twice`);
    }
    const col = byName.get(column);
    if (col === undefined) {
      throw new CliError(`${at(file, 1)}no column ${JSON.stringify(column)} (from --map ${field}=${column}); the columns are ${listColumns(header)}`);
    }
    if (usedBy.has(col)) throw new UsageError(command, `--map: column ${JSON.stringify(column)} is mapped twice`);
    usedBy.set(col, field);
    if (node !== undefined) mappedNode.set(col, node);
    else fieldCol.set(field, col);
  }

  const identity: { field: string; col: number }[] = [];
  for (const field of IDENTITY_FIELDS) {
    const mapped = fieldCol.get(field);
    const own = byName.get(field);
    if (mapped !== undefined && own !== undefined && !usedBy.has(own)) {
      throw new CliError(
        `${at(file, 1, own + 1)}column ${JSON.stringify(field)} clashes with --map ${field}=${header[mapped]}: the output can have one ${JSON.stringify(field)}; rename the column or map it to another field`,
      );
    }
    const col = mapped ?? (own !== undefined && !usedBy.has(own) ? own : undefined);
    if (col === undefined) continue;
    identity.push({ field, col });
    usedBy.set(col, field);
  }
  const idCol = identity.find((f) => f.field === "id")?.col ?? -1;
  if (idCol < 0 && options.requireId) {
    throw new CliError(`${at(file, 1)}no "id" column (each body's unique identifier): name a column id, or use --map id=COLUMN; the columns are ${listColumns(header)}`);
  }

  const valueCols: number[] = [];
  const valueNodes: number[] = [];
  const nodeCol = new Map<number, number>();
  const passthrough: number[] = [];
  const fieldCols = new Map<string, number>();
  for (const { field, col } of identity) fieldCols.set(field, col);
  const reserved = new Set(options.reserved ?? []);
  header.forEach((name, col) => {
    const taken = usedBy.get(col);
    if (taken !== undefined && !mappedNode.has(col)) return;
    const node = mappedNode.get(col) ?? nodeOf(name, col);
    if (node !== undefined) {
      const other = nodeCol.get(node);
      if (other !== undefined) {
        const what = options.nodeName ? ` node ${JSON.stringify(options.nodeName(node))}` : " the same node";
        throw new CliError(`${at(file, 1, col + 1)}columns ${JSON.stringify(header[other])} and ${JSON.stringify(name)} both give${what}; keep one`);
      }
      nodeCol.set(node, col);
      valueCols.push(col);
      valueNodes.push(node);
      return;
    }
    if (reserved.has(name)) {
      throw new CliError(`${at(file, 1, col + 1)}column ${JSON.stringify(name)} has a name the output uses itself; rename it`);
    }
    passthrough.push(col);
    fieldCols.set(name, col);
  });
  return {
    file,
    header,
    idCol,
    identity,
    passthrough,
    valueCols: Int32Array.from(valueCols),
    valueNodes: Int32Array.from(valueNodes),
    fieldCols,
  };
}

/**
 * The column of each grouping key, by output field name.
 * @throws CliError when a key names no column
 */
export function keyColumns(plan: ColumnPlan, by: readonly string[]): number[] {
  return by.map((key) => {
    const col = plan.fieldCols.get(key);
    if (col === undefined) {
      const fields = [...plan.fieldCols.keys()];
      throw new CliError(`${at(plan.file)}cannot group by ${JSON.stringify(key)}: no such column; the fields are ${listColumns(fields)}`);
    }
    return col;
  });
}
