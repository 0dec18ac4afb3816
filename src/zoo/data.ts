/**
 * What a zoo entry needs to know about its dataset.
 *
 * Entries default to MNIST (the papers' dataset) but take any flat dataset declaration, so the
 * same model can be trained on a small stand-in (tests use 8 × 8 tiny digits) or another image
 * set without editing the entry: the decoder's output width and the class count come from here.
 *
 * @module
 */
import type { DataDecl } from '../dsl/ast.js';

/** Features of one example (784 for MNIST): the width a decoder must produce. */
export const pixels = (data: DataDecl): number => data.x.reduce((a, b) => a * b, 1);
