/** The report's languages: its own words, and which label of each node it shows. */
export const REPORT_LANGS = ["es", "en"] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

/** Every word the report writes besides node labels and data, in both languages. */
const WORDS = {
  en: {
    title: "Open Government Metric report",
    state: "State",
    type: "Type of body",
    level: "Level of government",
    rank: "Rank",
    bodies: "Bodies",
    scored: "Scored",
    value: "Mean",
    national: "National",
    ranking: "Ranking by",
    rankingNote: "Unweighted mean of the bodies' index in each group; ties share the best rank, judged on the values as printed.",
    bandTitle: "Rank with its 5–95% band",
    bandNote: "Rank bands from the uncertainty analysis: the point is the median rank, the line the 5th to 95th percentile, the tick the rank in this report.",
    scatterTitle: "Bodies: {x} and {y}",
    scatterNote: "One point per body whose two pillars were scored.",
    unplotted: "left out (a pillar missing or not applicable)",
    typesTitle: "{root} by type of body",
    profileTitle: "Sub-index profile by",
    profileNote: "Mean of each sub-index in each group, rows in ranking order.",
    subIndex: "Sub-index",
    slopeTitle: "Rank shifts by",
    slopeNote: "Rank of each group in the other file (left) and in this one (right); groups in only one file are listed below the chart.",
    shift: "Shift",
    up: "up",
    down: "down",
    same: "same",
    onlyIn: "Only in",
    file: "Scores file",
    compareFile: "Compared with",
    uncertaintyFile: "Rank bands",
    rubric: "Rubric",
    hash: "Content hash (SHA-256)",
    date: "Date",
    generated: "Written by ogmetric",
    rejected: "rows rejected (not in the report)",
    rejectedOne: "row rejected (not in the report)",
    about: "About this report",
    none: "—",
    unmatched: "units of the uncertainty file not in this report",
    noBand: "no band",
  },
  es: {
    title: "Informe de la Métrica de Gobierno Abierto",
    state: "Entidad",
    type: "Tipo de sujeto obligado",
    level: "Orden de gobierno",
    rank: "Lugar",
    bodies: "Sujetos obligados",
    scored: "Con valor",
    value: "Promedio",
    national: "Nacional",
    ranking: "Clasificación por",
    rankingNote: "Promedio simple del índice de los sujetos obligados de cada grupo; los empates comparten el mejor lugar, juzgados con los valores tal como se imprimen.",
    bandTitle: "Lugar con su banda del 5 al 95 %",
    bandNote: "Bandas del análisis de incertidumbre: el punto es el lugar mediano, la línea va del percentil 5 al 95, la marca es el lugar en este informe.",
    scatterTitle: "Sujetos obligados: {x} y {y}",
    scatterNote: "Un punto por sujeto obligado con valor en los dos pilares.",
    unplotted: "sin punto (un pilar falta o no aplica)",
    typesTitle: "{root} por tipo de sujeto obligado",
    profileTitle: "Perfil de subíndices por",
    profileNote: "Promedio de cada subíndice en cada grupo, filas en el orden de la clasificación.",
    subIndex: "Subíndice",
    slopeTitle: "Cambios de lugar por",
    slopeNote: "Lugar de cada grupo en el otro archivo (izquierda) y en este (derecha); los grupos que están en un solo archivo se listan bajo la gráfica.",
    shift: "Cambio",
    up: "sube",
    down: "baja",
    same: "igual",
    onlyIn: "Solo en",
    file: "Archivo de resultados",
    compareFile: "Comparado con",
    uncertaintyFile: "Bandas de lugar",
    rubric: "Rúbrica",
    hash: "Hash del contenido (SHA-256)",
    date: "Fecha",
    generated: "Escrito por ogmetric",
    rejected: "filas rechazadas (fuera del informe)",
    rejectedOne: "fila rechazada (fuera del informe)",
    about: "Sobre este informe",
    none: "—",
    unmatched: "unidades del archivo de incertidumbre que no están en este informe",
    noBand: "sin banda",
  },
} as const satisfies Record<ReportLang, Record<string, string>>;

export type Words = (typeof WORDS)["en"];

/**
 * The report's words in a language.
 * @param lang - es or en
 * @returns the word table
 */
export function words(lang: ReportLang): { readonly [K in keyof Words]: string } {
  return WORDS[lang];
}

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? values[name]! : all));
}
