/**
 * Colours every saddle picture shares, so a digit or a loss series keeps its colour from one plot to
 * the next.
 *
 * Categorical colours are matplotlib's `tab10` (then `tab20`'s light partners for ten more classes):
 * researchers read them without a legend lookup, and they stay distinct on paper and screen.
 *
 * @module
 */

/**
 * An 8-bit RGB colour.
 *
 * @example
 * const black: Rgb = [0, 0, 0];
 * drawText(figure, 'label', 4, 4, black);
 */
export type Rgb = readonly [number, number, number];

const hex = (code: string): Rgb => [
  parseInt(code.slice(1, 3), 16),
  parseInt(code.slice(3, 5), 16),
  parseInt(code.slice(5, 7), 16),
];

/**
 * matplotlib's `tab10`: the colour of class / series `i` is `TAB10[i]`.
 *
 * @example
 * drawText(figure, 'digit 3', 4, 4, TAB10[3]!);   // the colour digit 3 has in the latent scatter
 */
export const TAB10: readonly Rgb[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
].map(hex);

/** The light halves of matplotlib's `tab20`, used for classes 10–19. */
export const TAB10_LIGHT: readonly Rgb[] = [
  '#aec7e8',
  '#ffbb78',
  '#98df8a',
  '#ff9896',
  '#c5b0d5',
  '#c49c94',
  '#f7b6d2',
  '#c7c7c7',
  '#dbdb8d',
  '#9edae5',
].map(hex);

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
/** Text and frame colour: near-black reads softer than pure black next to coloured marks. */
export const INK: Rgb = [38, 38, 38];
/** Secondary text (tick labels, notes). */
export const MUTED_INK: Rgb = [96, 96, 96];
/** Grid lines: visible but behind everything. */
export const GRID: Rgb = [232, 232, 232];
/** Prior samples in a latent scatter: the backdrop the codes should cover. */
export const PRIOR_GREY: Rgb = [176, 176, 176];
/** Non-finite values: a failure should be seen, in a colour no data uses. */
export const ALARM_RED: Rgb = [255, 0, 0];

/**
 * The colour of class or series `index`: `tab10` for 0–9, its light partners for 10–19, then around
 * again. Negative indices (e.g. "unlabelled") get a neutral dark grey rather than a class colour.
 *
 * @example
 * categoricalColour(0);    // tab10 blue
 * categoricalColour(12);   // the light partner of tab10's green
 */
export const categoricalColour = (index: number): Rgb => {
  if (index < 0) return [64, 64, 64];
  const i = index % 20;
  return i < 10 ? TAB10[i]! : TAB10_LIGHT[i - 10]!;
};
