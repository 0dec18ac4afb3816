/**
 * What `saddle serve` hands the explorer page (`/api/explorer.json`): one type, imported by the
 * server (src/cli/serve.ts) and by the page (web/explorer.ts), so the two cannot drift apart. It
 * imports nothing but chart types, so the browser bundle can use it.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

export interface ExplorerInfo {
  readonly model: string;
  /** Why the run cannot be explored; the page shows it, the server prints it. */
  readonly error?: string;
  /** Width of the codes (the encoder's output, the decoder's input). */
  readonly latentWidth: number;
  /** Height and width of a decoded example drawn as an image, or null when it is not one. */
  readonly image: { readonly height: number; readonly width: number } | null;
  /** The exported decoder's model.json, relative to the page. */
  readonly decoderUrl: string;
  /** The latent scatter's spec (2-D codes). */
  readonly scatter?: TopLevelSpec;
  /** Test images, their labels and codes: the interpolation endpoints. */
  readonly test: { readonly images: number[][]; readonly labels: number[]; readonly codes: number[][] };
  /** Per dimension, the range the sliders span. */
  readonly ranges: readonly (readonly [number, number])[];
}
