/**
 * ogmetric/node: the Node-only layer (files, streams, CSV). Re-exports the pure core too.
 */
export * from "./index.js";
