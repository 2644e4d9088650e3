/**
 * The catalog of Mexico's 32 federal entities plus the `Federal` unit.
 *
 * The metric's tables have 33 units: the 32 entities (INEGI codes "01".."32") and the federal
 * bodies grouped as one unit, here code "FED". Published files spell the same entity in many
 * ways ("Nuevo León", "NuevoLeon", "NL", "19"); {@link normalizeState} maps every known spelling
 * to one frozen {@link State} through a `Map` built once, so user-supplied text never touches an
 * object prototype. {@link resolveState} is the reporting form: it never guesses, it only hints.
 */

/**
 * One unit of the metric's geography: a federal entity, or the federal bodies as a whole.
 * @example
 * const state: State = STATES.find((s) => s.abbreviation === "CDMX")!;
 * [state.code, state.name] // => ["09", "Ciudad de México"]
 */
export interface State {
  /** INEGI two-digit code "01".."32", or "FED" for the federal unit. */
  readonly code: string;
  /** Common name with accents, as INEGI writes it ("México" is the State of Mexico). */
  readonly name: string;
  /** Full official name ("Coahuila de Zaragoza"); equal to `name` where there is no longer one. */
  readonly officialName: string;
  /** The usual short form ("NL", "CDMX", "QROO"; "FED" for the federal unit). */
  readonly abbreviation: string;
  /** Other accepted spellings: INEGI three-letter forms, former names, common short forms. */
  readonly aliases: readonly string[];
}

/**
 * Result of {@link resolveState}: the state, or the input with an optional hint.
 * @example
 * const r: ResolveStateResult = resolveState("Jaliscoo");
 * r.ok ? r.state.name : r.suggestion // => "Jalisco"
 */
export type ResolveStateResult =
  | { readonly ok: true; readonly state: State }
  | {
      readonly ok: false;
      readonly input: string;
      /** Closest canonical name by edit distance: a hint for the message, never a match. */
      readonly suggestion?: string;
      /** Human message, e.g. `resolveState: unknown state "Jalsico" (did you mean "Jalisco"?)`. */
      readonly message: string;
    };

type Row = readonly [code: string, name: string, officialName: string, abbreviation: string, aliases: readonly string[]];

// INEGI order (Clave geoestadística), Federal last. Aliases list INEGI's three-letter forms
// (ISO 3166-2:MX style) and the spellings met in published data.
const ROWS: readonly Row[] = [
  ["01", "Aguascalientes", "Aguascalientes", "AGS", ["AGU", "Ags."]],
  ["02", "Baja California", "Baja California", "BC", ["BCN", "B.C."]],
  ["03", "Baja California Sur", "Baja California Sur", "BCS", ["B.C.S."]],
  ["04", "Campeche", "Campeche", "CAMP", ["CAM", "Camp."]],
  ["05", "Coahuila", "Coahuila de Zaragoza", "COAH", ["COA", "Coah."]],
  ["06", "Colima", "Colima", "COL", ["Col."]],
  ["07", "Chiapas", "Chiapas", "CHIS", ["CHP", "Chis."]],
  ["08", "Chihuahua", "Chihuahua", "CHIH", ["CHH", "Chih."]],
  [
    "09",
    "Ciudad de México",
    "Ciudad de México",
    "CDMX",
    ["CMX", "DIF", "Distrito Federal", "D.F.", "DF", "Cd. de México", "Cd. Mx.", "México, D.F."],
  ],
  ["10", "Durango", "Durango", "DGO", ["DUR", "Dgo."]],
  ["11", "Guanajuato", "Guanajuato", "GTO", ["GUA", "Gto."]],
  ["12", "Guerrero", "Guerrero", "GRO", ["Gro."]],
  ["13", "Hidalgo", "Hidalgo", "HGO", ["HID", "Hgo."]],
  ["14", "Jalisco", "Jalisco", "JAL", ["Jal."]],
  [
    "15",
    "México",
    "México",
    "MEX",
    ["Estado de México", "Edo. de México", "Edo. Méx.", "Edo. Mex.", "Edomex", "Méx."],
  ],
  ["16", "Michoacán", "Michoacán de Ocampo", "MICH", ["MIC", "Mich."]],
  ["17", "Morelos", "Morelos", "MOR", ["Mor."]],
  ["18", "Nayarit", "Nayarit", "NAY", ["Nay."]],
  ["19", "Nuevo León", "Nuevo León", "NL", ["NLE", "N.L."]],
  ["20", "Oaxaca", "Oaxaca", "OAX", ["Oax."]],
  ["21", "Puebla", "Puebla", "PUE", ["Pue."]],
  ["22", "Querétaro", "Querétaro", "QRO", ["QUE", "Querétaro de Arteaga", "Qro."]],
  ["23", "Quintana Roo", "Quintana Roo", "QROO", ["ROO", "Q. Roo"]],
  ["24", "San Luis Potosí", "San Luis Potosí", "SLP", ["S.L.P."]],
  ["25", "Sinaloa", "Sinaloa", "SIN", ["Sin."]],
  ["26", "Sonora", "Sonora", "SON", ["Son."]],
  ["27", "Tabasco", "Tabasco", "TAB", ["Tab."]],
  ["28", "Tamaulipas", "Tamaulipas", "TAMS", ["TAM", "Tamps."]],
  ["29", "Tlaxcala", "Tlaxcala", "TLAX", ["TLA", "Tlax."]],
  ["30", "Veracruz", "Veracruz de Ignacio de la Llave", "VER", ["Ver.", "Veracruz-Llave"]],
  ["31", "Yucatán", "Yucatán", "YUC", ["Yuc."]],
  ["32", "Zacatecas", "Zacatecas", "ZAC", ["Zac."]],
  ["FED", "Federal", "Federación", "FED", ["Gobierno Federal", "Administración Pública Federal"]],
];

/**
 * The 33 units of the metric: the 32 federal entities in INEGI order, then `Federal`.
 *
 * @example
 * STATES.length; // => 33
 * STATES[18]?.name; // => "Nuevo León"
 * STATES[32]?.code; // => "FED"
 */
export const STATES: readonly State[] = Object.freeze(
  ROWS.map(([code, name, officialName, abbreviation, aliases]) =>
    Object.freeze({ code, name, officialName, abbreviation, aliases: Object.freeze([...aliases]) }),
  ),
);

/**
 * Matching key of a state spelling: Unicode NFD, combining marks stripped, lower-cased, and every
 * character other than a-z and 0-9 dropped.
 *
 * @param input - Any spelling, such as `" NUEVO  LEÓN "`.
 * @returns The key, such as `"nuevoleon"`; `""` when nothing is left.
 * @example
 * stateKey(" NUEVO  LEÓN "); // => "nuevoleon"
 * stateKey("D.F."); // => "df"
 */
export function stateKey(input: string): string {
  if (typeof input !== "string") {
    throw new TypeError(`stateKey: expected a string, received ${typeof input}`);
  }
  return input
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

/** Every accepted key → its state; built once, checked for clashes at load. */
const BY_KEY: ReadonlyMap<string, State> = buildIndex();

/** Keys of the canonical names (common and official), used only for suggestions. */
const SUGGESTION_KEYS: readonly (readonly [key: string, state: State])[] = STATES.flatMap((state) =>
  [state.name, state.officialName].map((spelling) => [stateKey(spelling), state] as const),
);

function buildIndex(): Map<string, State> {
  const index = new Map<string, State>();
  const add = (spelling: string, state: State): void => {
    const key = stateKey(spelling);
    const previous = index.get(key);
    if (previous !== undefined && previous !== state) {
      // A programming error in ROWS, caught the moment the module loads.
      throw new Error(`states: spelling "${spelling}" names both ${previous.name} and ${state.name}`);
    }
    index.set(key, state);
  };
  for (const state of STATES) {
    add(state.code, state);
    if (/^0\d$/.test(state.code)) add(state.code.slice(1), state); // "9" as well as "09"
    add(state.name, state);
    add(state.officialName, state);
    add(state.abbreviation, state);
    for (const alias of state.aliases) add(alias, state);
  }
  return index;
}

/**
 * Finds the state a spelling names, ignoring accents, case, spaces and punctuation; accepts
 * names, official names, abbreviations, INEGI codes ("09" or "9") and known aliases
 * ("Distrito Federal", "Edomex", "NuevoLeon"). "México" and "Mexico" mean the State of Mexico.
 *
 * @param input - A spelling from data or a user; empty or unknown text gives `undefined`.
 * @returns The frozen catalog entry, or `undefined` when the spelling is not known.
 * @throws TypeError when `input` is not a string.
 * @example
 * normalizeState("NuevoLeon")?.code; // => "19"
 * normalizeState("D.F.")?.name; // => "Ciudad de México"
 * normalizeState("Texas"); // => undefined
 */
export function normalizeState(input: string): State | undefined {
  if (typeof input !== "string") {
    throw new TypeError(`normalizeState: expected a string, received ${typeof input}`);
  }
  return BY_KEY.get(stateKey(input));
}

/**
 * Resolves a spelling to a state, or reports it as unknown with the closest canonical name as a
 * hint. The hint is never returned as a match: an unknown spelling stays unknown.
 *
 * @param input - A spelling from data or a user; empty text is unknown, with no suggestion.
 * @returns `{ ok: true, state }`, or `{ ok: false, input, message }` plus `suggestion` when a
 *   canonical name is close by edit distance.
 * @throws TypeError when `input` is not a string.
 * @example
 * const yucatan = resolveState("Yucatan");
 * yucatan.ok && [yucatan.state.code, yucatan.state.name] // => ["31", "Yucatán"]
 * resolveState("Jalsico") // => { ok: false, input: "Jalsico", suggestion: "Jalisco", message: 'resolveState: unknown state "Jalsico" (did you mean "Jalisco"?)' }
 */
export function resolveState(input: string): ResolveStateResult {
  if (typeof input !== "string") {
    throw new TypeError(`resolveState: expected a string, received ${typeof input}`);
  }
  const key = stateKey(input);
  const state = BY_KEY.get(key);
  if (state !== undefined) return { ok: true, state };
  const suggestion = suggest(key);
  const shown = JSON.stringify(input);
  return suggestion === undefined
    ? { ok: false, input, message: `resolveState: unknown state ${shown}` }
    : {
        ok: false,
        input,
        suggestion,
        message: `resolveState: unknown state ${shown} (did you mean ${JSON.stringify(suggestion)}?)`,
      };
}

/** Longest key worth comparing; longer input gets no suggestion (keeps the work bounded). */
const MAX_SUGGEST_KEY = 64;

function suggest(key: string): string | undefined {
  if (key.length === 0 || key.length > MAX_SUGGEST_KEY) return undefined;
  let best: State | undefined;
  let bestDistance = Infinity;
  for (const [candidate, state] of SUGGESTION_KEYS) {
    const distance = editDistance(key, candidate);
    // Close enough to be a misspelling: at most half the longer key, at most 4 edits.
    const limit = Math.min(4, Math.floor(Math.max(key.length, candidate.length) / 2));
    if (distance <= limit && distance < bestDistance) {
      best = state;
      bestDistance = distance;
    }
  }
  return best?.name;
}

/** Levenshtein distance with two rolling rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}
