import type { CompiledRubric } from "../index.js";
import { CliError, UsageError, at } from "./errors.js";
import { IDENTITY_FIELDS } from "./specs.js";

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
  /** Headers read as a node or field only after trimming or case-folding: one warning each. */
  readonly warnings: readonly string[];
}

export interface PlanOptions {
  readonly command: string;
  /** `--map FIELD=COLUMN` pairs. */
  readonly maps: readonly (readonly [string, string])[];
  /** The node a header name gives (code or alias), or undefined. */
  readonly nodeOf: (name: string, col: number) => number | undefined;
  /** The node a header gives once trimmed and case-folded (a near miss such as `tg ` or `Tg`). */
  readonly foldedNodeOf?: (folded: string) => number | undefined;
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
export function rubricLookups(rubric: CompiledRubric): Pick<PlanOptions, "nodeOf" | "foldedNodeOf" | "nodeOfField" | "nodeName"> {
  const folded = new Map<string, number>();
  for (const [name, node] of rubric.index) {
    const key = foldHeader(name);
    // A folded name shared by two nodes (say codes "x" and alias "X" of another) matches neither.
    folded.set(key, folded.has(key) && folded.get(key) !== node ? -1 : node);
  }
  return {
    nodeOf: (name) => rubric.index.get(name),
    foldedNodeOf: (key) => {
      const node = folded.get(key);
      return node === undefined || node < 0 ? undefined : node;
    },
    nodeOfField: (field) => rubric.index.get(field),
    nodeName: (node) => rubric.nodes[node]!.code,
  };
}

/**
 * How a header is compared when it does not match exactly: trimmed and lower-cased, so that
 * `tg `, `Tg` and ` ID` are recognised (with a warning), never silently carried along.
 */
export function foldHeader(name: string): string {
  return name.trim().toLowerCase();
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
    // One column may fill several identity fields (--map id=SO --map name=SO), but a column that
    // gives a node gives nothing else.
    const prior = usedBy.get(col);
    if (prior !== undefined && (node !== undefined || mappedNode.has(col))) {
      throw new UsageError(command, `--map: column ${JSON.stringify(column)} gives both ${JSON.stringify(prior)} and ${JSON.stringify(field)}; a column that gives a node gives nothing else`);
    }
    usedBy.set(col, field);
    if (node !== undefined) mappedNode.set(col, node);
    else fieldCol.set(field, col);
  }

  const warnings: string[] = [];
  const near = (name: string, col: number, what: string) =>
    warnings.push(`${at(file, 1, col + 1)}warning: column ${JSON.stringify(name)} is read as ${what} (it matches only once trimmed and case-folded); rename it to silence this`);
  const identity: { field: string; col: number }[] = [];
  for (const field of IDENTITY_FIELDS) {
    const mapped = fieldCol.get(field);
    let own = byName.get(field);
    if (own === undefined && mapped === undefined) {
      const folded = header.findIndex((name, col) => foldHeader(name) === field && !usedBy.has(col) && nodeOf(name, col) === undefined);
      if (folded >= 0) {
        own = folded;
        near(header[folded]!, folded, `the ${field} field`);
      }
    }
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
    let node = mappedNode.get(col) ?? nodeOf(name, col);
    if (node === undefined && options.foldedNodeOf) {
      node = options.foldedNodeOf(foldHeader(name));
      if (node !== undefined) near(name, col, `node ${JSON.stringify(options.nodeName ? options.nodeName(node) : name)}`);
    }
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
    warnings,
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
