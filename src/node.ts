/**
 * ogmetric/node: the Node-only layer (files, streams, CSV). Re-exports the pure core too.
 * @module ogmetric/node
 */
import { useGeneratedKernels } from "./score/generatedKernel.js";

export * from "./index.js";
export { useGeneratedKernels } from "./score/generatedKernel.js";

// In Node, scoring runs each rubric's generated straight-line kernel (bit-identical to the loop,
// several times faster); the pure core leaves it off, so browser bundles hold no `new Function`.
useGeneratedKernels(true);

export {
  CsvReader,
  CsvError,
  DEFAULT_MAX_FIELD_CHARS,
  DEFAULT_MAX_ROW_CHARS,
  DEFAULT_MAX_COLUMNS,
  type CsvReadOptions,
  type CsvBatch,
  type CsvRowProblem,
} from "./io/readCsv.js";
export { ChunkDecoder, DecodeError, ENCODING_NAMES, firstInvalidUtf8, type CsvEncoding } from "./io/decodeChunks.js";
export { CsvWriter, csvCell, csvText, neutralizeFormula, type CsvWriteOptions } from "./io/writeCsv.js";
export { StreamSink, type TextSink } from "./io/textSink.js";
export { AtomicFile } from "./io/atomicFile.js";
export { isSameFile } from "./io/sameFile.js";
export { readBodies, BodyReader, type ReadBodiesOptions, type RubricChoice } from "./node/readBodies.js";
export { scoreFile, type ScoreFileOptions, type ScoredFile } from "./node/scoreFile.js";
export { InputFileError, type BodyFileOptions, type RowReject, type FileAccount } from "./node/bodyFile.js";
export { readScores, type ReadScoresOptions, type ScoresFile } from "./node/readScores.js";
