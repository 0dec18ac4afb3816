/**
 * The model: everything a run needs, as one immutable value.
 *
 * @example
 * import { model, mnist } from 'saddle';
 * const aae = model('aae', { data: mnist, nets: [encoder, decoder, disc], schedule: [rec, crit, gen],
 *   views: { sample: apply(decoder, zPrior), encode: z } });
 *
 * @module
 */
import type { DataDecl, Model, NetDecl, Step, StreamDecl, Views } from './ast.js';

/** MNIST as the runtime provides it: flat 28×28 images in [0, 1], ten classes. */
export const mnist: DataDecl = { x: [784], classes: 10 };

/** An unlabeled stream over the training set: the default every phase reads. */
export const trainStream: StreamDecl = { name: 'train', labels: 'none' };

/** A stream that exposes labels: all of them, or a balanced seeded subset of `count` examples. */
export const labeledStream = (name: string, count?: number): StreamDecl => ({
  name,
  labels: count === undefined ? 'all' : { count },
});

export interface ModelOptions {
  readonly data: DataDecl;
  readonly nets: readonly NetDecl[];
  readonly schedule: readonly Step[];
  /** Defaults to one unlabeled stream named `train`. */
  readonly streams?: readonly StreamDecl[];
  readonly views?: Views;
}

export const model = (name: string, options: ModelOptions): Model => ({
  name,
  data: options.data,
  nets: options.nets,
  streams: options.streams ?? [trainStream],
  schedule: options.schedule,
  views: options.views ?? {},
});
