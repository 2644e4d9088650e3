import type { CommandName } from "./specs.js";

const INPUT_OPTIONS = `  --map FIELD=COLUMN      read FIELD from COLUMN (repeatable): FIELD is id, name, state,
                          level, type, or a node code; e.g. --map id=SO --map state=edo
  --encoding utf8|latin1|windows-1252
                          input encoding (default utf8; a byte-order mark is skipped;
                          invalid UTF-8 is an error that suggests --encoding latin1;
                          windows-1252 is Excel's "CSV" on Windows)
  --delimiter C           input field delimiter, one character or "tab" (default ,)`;

const SELECT_OPTIONS = `  --nodes LIST            nodes to write, by code or alias, in this order (repeatable or
                          comma-separated; default every node); ranks follow the first
  --columns value|full    per node in tables: the mean and the statistics asked for (value),
                          or also n, na and missing (full, the default)
  --order first|key|value|-value
                          rows as first seen (default), by key (states by INEGI code,
                          Federal last), or by the first node's value, highest (value) or
                          lowest (-value) first; value orders add a rank column
  --rank                  add a rank column (ties share the best rank, as published tables
                          rank them; judged on the values as printed with --round)
  --stats LIST            extra table statistics: median,sd,min,max and quantiles p05, p50,
                          p95, ... (n and mean always)
  --weight COLUMN         weight bodies in table means by this column (finite, >= 0)`;

const COMMON = `  --debug                 print stack traces of errors
  -h, --help              this help`;

export const TOP_HELP = `ogmetric: score Mexico's Open Government Metric (Métrica de Gobierno Abierto)

Usage: ogmetric <command> [options]

Commands:
  score INPUT.csv         score every body (one row per body, or a table with --by)
  aggregate SCORES.csv    group statistics of a scores file (national without --by)
  validate FILE.json      check a rubric or crosswalk file and list every issue
  editions                list the built-in rubrics with version and hash
  explain INPUT.csv       show the scoring tree of one body (--id ID or --row N)
  sql                     print SQL that scores a database table (--dialect duckdb|postgres|ansi)
  report SCORES.csv       one self-contained HTML page of charts from a scores file
  compare INPUT.csv       score one file under two rubrics and compare (--edition 2017 --to 2019),
                          or compare two scores files (--scores FROM.csv TO.csv)
  uncertainty INPUT.csv   Monte Carlo bands of every body's (or group's) score and rank
  sensitivity INPUT.csv   which assumption drives that uncertainty (Sobol' indices)
  audit INPUT.csv         statistical audit of a survey file; with --published TABLE.csv or
                          --references, check published figures against the rubric

Options:
  --version               print the version
  -h, --help              this help; "ogmetric <command> --help" for a command's

Exit codes: 0 done; 1 fatal input error; 2 usage error; 3 some rows rejected.
Reference: docs/cli.md (in the package: node_modules/ogmetric/docs/cli.md; online: https://github.com/ogmetric/ogmetric/blob/main/docs/cli.md)`;

const READ_OPTIONS = `  --edition 2017|2019     built-in rubric
  --rubric FILE.json      rubric file instead
  --observations FILE     observations of one set (repeatable), as for score
${INPUT_OPTIONS}
  --allow-missing         run even when an input the index needs is absent
  --decimal-comma         also read numbers written with a decimal comma (0,5)`;

const WRITE_OPTIONS = `  --out FILE              write here atomically (default standard output)
  --format csv|json|ndjson  the table as CSV (default) or NDJSON rows, or the whole result as JSON
  --round N               round scores, means and shares in CSV to N decimals, half up
  --rejects FILE          write rejected rows here
  --raw                   do not neutralise formulas in text cells`;

/** Help of the analysis commands (issue 11). */
const ANALYSIS_HELP = {
  uncertainty: `Usage: ogmetric uncertainty INPUT.csv (--edition 2017|2019 | --rubric FILE.json) [options]

Monte Carlo uncertainty of a ranking. Each run draws every weight within its range (by
default by provenance: +-10% verified, +-25% inferred, +-50% assumed), and the rules,
policies and input noise a --spec file lists, then scores and ranks every body. Writes per
body (or per group with --by): nominal score and rank, median and 5-95% band of both, and
the share of runs in the top and bottom k.

Options:
${READ_OPTIONS}
  --spec SPEC.json        what varies (weights, rules, policies, inputs; see docs/analysis.md)
  --runs N                replications (default 1000)
  --seed S                seed (default 1): the same seed gives the same bytes
  --by KEY                one row per group of KEY (state, type, level or a column): group means
  --top K                 k of p_top/p_bottom (default 10 for bodies, 3 for groups)
  --order first|rank      rows in input order (default) or by nominal rank
${WRITE_OPTIONS}
  --progress, --no-progress  progress bar (default: on a terminal, for long runs)
${COMMON}

Example:
  ogmetric uncertainty bso.csv --edition 2017 --encoding latin1 --map id=SO --map state=edo \\
    --map level=niv --map type=ts --by state --runs 10000 --order rank --round 3`,

  sensitivity: `Usage: ogmetric sensitivity INPUT.csv (--edition 2017|2019 | --rubric FILE.json) [options]

Which assumption drives the uncertainty: first-order and total Sobol' indices of every body's
rank (or, with --by, every group's mean) with the rubric's uncertain weights (grouped by
provenance, by node or one by one), rules, policies and input noise as factors. One row per
body or group, then the national mean, then the rows' indices taken together (each
weighted by its variance).

Options:
${READ_OPTIONS}
  --spec SPEC.json        what varies, as for uncertainty (see docs/analysis.md)
  --n N                   base sample size (default 1024; the bodies are scored N(k + 2) times)
  --seed S                seed (default 1)
  --factors provenance|node|edge
                          group the weights by provenance status (default), parent node, or not
  --bootstrap B           bootstrap replicates for 95% intervals (default 0: none)
  --by KEY                indices of each group's mean instead of each body's rank
  --id ID                 only this body (repeatable)
${WRITE_OPTIONS}
  --progress, --no-progress  progress bar (default: on a terminal, for long runs)
${COMMON}`,

  audit: `Usage: ogmetric audit INPUT.csv (--edition 2017|2019 | --rubric FILE.json) [options]
       ogmetric audit --published TABLE.csv (--edition E | --rubric FILE.json) [options]
       ogmetric audit --references (--edition E | --rubric FILE.json) [options]

With INPUT.csv: the statistical audit of the scored bodies: coverage and availability,
skew and kurtosis (outlier flag as COINr), correlations within and across sub-indices,
Cronbach's alpha, and the rank effect of dropping each component. With --published: do the
published figures (a CSV table: wide, IGA,T,P,...; or long, node,value,by,group) obey the
rubric's formulas, allowing for their rounding? --references checks the rubric's own
recorded figures. Flags and contradictions are findings, listed on stderr: exit 0.

Options:
${READ_OPTIONS}
  --published TABLE.csv   audit these published figures
  --references            audit the figures the rubric records
  --table indicators|correlations|alpha|drops|flags
                          the table of the statistical audit to write (default indicators)
${WRITE_OPTIONS}
${COMMON}

Example:
  ogmetric audit --published press-2019.csv --edition 2019`,
} as const;

export const HELP: Record<CommandName, string> = {
  score: `Usage: ogmetric score INPUT.csv (--edition 2017|2019 | --rubric FILE.json) [options]

Scores every body (one row of INPUT.csv each) in one streaming pass. Columns named by a
node code or alias (tg.ai, TG, GA...) are inputs; id (required, unique), name, state, level
and type are identity fields; every other column is carried to the output unchanged.

Options:
  --edition 2017|2019     built-in rubric
  --rubric FILE.json      rubric file instead
  --observations FILE     observations of one set (repeatable): an id column naming the body,
                          one column per per-observation leaf (e.g. tc.disp); one row each
${INPUT_OPTIONS}
  --out FILE              write here (atomically: a temporary file renamed on success);
                          default standard output, also "-"
  --format csv|json|ndjson  output format (default csv)
  --rejects FILE          write rejected rows here: file,row,column,code,reason,record
                          ("-": standard output, when --out names a file)
  --by KEY                write the aggregate table grouped by KEY instead (repeatable;
                          id, name, state, level, type or a carried column)
${SELECT_OPTIONS}
  --round N               round values to N decimals, half up on the exact decimal
  --allow-missing         score even when an input the index needs (a leaf column, a whole
                          observation set) is absent; without it the run stops (exit 2)
  --decimal-comma         also read numbers written with a decimal comma (0,5)
  --raw                   do not neutralise formulas (=, +, -, @, tab, CR) in text cells
  --progress              draw a progress bar even when stderr is not a terminal
  --no-progress           never draw one (default: on a terminal, for inputs over 4 MB)
${COMMON}

Output columns: rank (when ranked), identity fields (state followed by state_name and
state_code), carried columns, rubric (id@version#hash), then every node (or those of
--nodes) at full precision; NA = not applicable, empty = missing. Standard error ends with
an account of each file: data lines = used + rejected + blank.

Examples:
  ogmetric score bso.csv --edition 2017 --encoding latin1 \\
    --map id=SO --map state=edo --map level=niv --map type=ts --out scores.csv
  ogmetric score survey.csv --edition 2019 --observations requests.csv \\
    --observations records.csv --by state --order key --round 2`,

  aggregate: `Usage: ogmetric aggregate SCORES.csv [--by KEY]... [options]

Group statistics of a file written by "ogmetric score": per group, the number of bodies and,
per node, the mean over scored bodies and how many were scored, not applicable and missing.
Without --by, one national row.

Options:
  --by KEY                group by KEY (repeatable): state (canonical names + state_code),
                          level, type, name, or any carried column
${SELECT_OPTIONS}
  --round N               round means and statistics to N decimals, half up
  --out FILE              write here atomically (default standard output, also "-")
  --format csv|json|ndjson  output format (default csv)
  --rejects FILE          write rejected rows here ("-": standard output, when --out is a file)
  --edition 2017|2019     take node columns from this rubric (default: the columns after the
  --rubric FILE.json      "rubric" column, which must be the same on every row)
${INPUT_OPTIONS}
  --raw                   do not neutralise formulas in text cells
  --progress, --no-progress  as for score
${COMMON}

Example:
  ogmetric aggregate scores.csv --by state --round 2`,

  validate: `Usage: ogmetric validate FILE.json [--format text|json]

Checks a rubric file: schema and meaning (weights, cycles, gates, aliases...). Prints every
issue with its JSON path and exits 1, or prints the rubric's id, version and hash and exits 0.
Warns (still exit 0) when a rubric keeps a built-in edition's id@version but not its content.
A crosswalk file (with "mappings", or "from" and "to", and no "nodes") is checked as a
crosswalk, against the built-in editions its sides name. Files over 16 MiB are refused.

Options:
  --format text|json      output format (default text)
${COMMON}`,

  editions: `Usage: ogmetric editions [--format text|json]

Lists the built-in rubrics: edition, id@version, content hash (SHA-256), nodes, label.

Options:
  --format text|json      output format (default text)
${COMMON}`,

  explain: `Usage: ogmetric explain INPUT.csv (--edition 2017|2019 | --rubric FILE.json) (--id ID | --row N) [options]

Prints the scoring tree of one body: every node's value and where it came from, and each
child's weight, share after re-weighting and contribution.

Options:
  --id ID                 the body (value of the id column); an unknown id gets the
                          nearest ids as suggestions
  --row N                 or the body on row N (header = row 1), for ids that cannot be typed
  --edition 2017|2019     built-in rubric
  --rubric FILE.json      rubric file instead
  --observations FILE     observations of one set (repeatable), as for score
${INPUT_OPTIONS}
  --format text|json      output format (default text)
  --lang es|en            label language (default es)
  --decimals N            decimals of every figure shown (default 4; weights as written)
  --allow-missing         explain even when an input the index needs is absent
  --decimal-comma         also read numbers written with a decimal comma (0,5)
${COMMON}

Example:
  ogmetric explain bso.csv --edition 2017 --encoding latin1 --map id=SO --id ASF`,

  report: `Usage: ogmetric report SCORES.csv [--compare OTHER.csv] [--uncertainty MC.csv] [options]

Writes one self-contained HTML page (inline SVG charts and CSS, no script, nothing loaded
from the network) from a file written by "ogmetric score" (per body): the ranking of groups
by the index, a scatter of bodies (transparency vs participation), the index by type of body,
the sub-index profile of each group, and with --compare a slope chart of rank shifts.

Options:
  --out FILE              write the page here atomically (default standard output)
  --by state|type|level   the groups ranked and profiled (default state)
  --compare OTHER.csv     a second scores file (another edition or run): slope chart of ranks
  --uncertainty MC.csv    rank bands: columns unit, rank_p05, rank_p50, rank_p95 (optional by)
  --decimals N            decimals printed; ranks are judged on the printed values (default 2)
  --lang es|en            the report's words and node labels (default es)
  --date YYYY-MM-DD       the date shown (default today, UTC); fix it for reproducible files
  --rubric FILE.json      the rubric of a scores file that is not a built-in edition
                          (repeatable: one for --compare too)
  --rejects FILE          write rejected rows here
${COMMON}

Example:
  ogmetric report scores2019.csv --compare scores2017.csv --lang en --out report.html`,
  compare: `Usage: ogmetric compare INPUT.csv (--edition E | --rubric F) (--to E | --to-rubric F) [options]
       ogmetric compare --scores FROM.csv TO.csv [--by KEY]... [options]

The first form scores INPUT.csv (columns named by the first rubric's codes, as for score) under
both rubrics, carrying each input to the second rubric through the crosswalk, and writes one row
per body: both values of the index, the difference, ranks under each rubric and the rank shift,
the attribution of the difference to each component (attr:<code>, by its code in the second
rubric, plus attr:only_from and attr:only_to), the assumed mappings the row relies on, then each
component's weight and value effects and both values of every other crosswalked node. With --by,
one row per group, over the bodies scored under both rubrics.

The second form joins two files written by "ogmetric score" by id (bodies in one file only are
listed with the reason; same names under other ids are suggested, not joined), or with --by
compares each file's own group means.

Options:
  --edition 2017|2019     rubric the input is written for (with --scores: rubric of FROM.csv,
  --rubric FILE.json      default the one its "rubric" column names)
  --to 2017|2019          rubric to compare with (with --scores: of TO.csv)
  --to-rubric FILE.json
  --crosswalk FILE.json   crosswalk between the two rubrics, either direction (default: the
                          built-in 2017 <-> 2019 one)
  --observations FILE     observations of one set (repeatable), as for score
${INPUT_OPTIONS}
  --by KEY                compare groups (repeatable: state, level, type, or any carried column)
  --order first|key       groups as first seen (default) or by key (states by INEGI code)
  --tidy                  one record per unit x node x edition (value, rank, status) for plots
  --out FILE              write here atomically (default standard output)
  --format csv|json|ndjson  output format (default csv); json holds every detail
  --rejects FILE          write rejected rows here: file,row,column,code,reason,record
  --round N               round values in CSV to N decimals; ranks are judged on them
  --method auto|two_factor|shapley
                          attribution: two-factor where every rule above the components is a
                          weighted arithmetic mean (auto), else Shapley values (docs/compare.md)
  --depth N               deepest level of the components (the root is 0)
  --no-bridge             do not give a node of the second rubric that receives no input the
                          value of its partner under the first
  --allow-missing         score even when an input the index needs is absent
  --decimal-comma         also read numbers written with a decimal comma (0,5)
  --raw                   do not neutralise formulas in text cells
${COMMON}

Examples:
  ogmetric compare survey17.csv --edition 2017 --to 2019 \\
    --observations requests.csv --by state --out states.csv
  ogmetric compare --scores scores-2017.csv scores-2019.csv --out shifts.csv`,

  ...ANALYSIS_HELP,
};
