/**
 * The papers' figures for the zoo entries that `docs/reproduction.md` compares against, keyed by
 * zoo id and by the `saddle eval` metric they correspond to — so a report can put a run's figure
 * beside the paper's. A test holds every figure to that document's table, so the two cannot drift.
 *
 * @module
 */

/** The paper's figure of one entry: which metric, and the figure as the document quotes it. */
export interface PaperFigure {
  readonly metric: 'parzen' | 'cluster' | 'classify';
  readonly text: string;
}

/** By zoo id; entries without a published MNIST figure in the table are absent. */
export const paperFigures: Readonly<Record<string, PaperFigure>> = {
  aae: { metric: 'parzen', text: 'Parzen LL 340 ± 2 (seed 000 Table 1, [1])' },
  'mmd-ae': { metric: 'parzen', text: 'Parzen LL 228 ± 1.6 (seed 000 Table 1)' },
  'ds-aae': { metric: 'parzen', text: 'Parzen LL 243 ± 1.7 (seed 000 Table 1)' },
  'aae-clustering': { metric: 'cluster', text: '9.55% error, 16 clusters (AAE §6)' },
  'aae-semisupervised': { metric: 'classify', text: '1.90% (± 0.10) error, 100 labels (AAE §5)' },
};
