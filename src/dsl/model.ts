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

/**
 * MNIST as the runtime provides it: flat 28×28 images in [0, 1], ten classes.
 *
 * @example
 * model('aae', { data: mnist, nets, schedule });
 */
export const mnist: DataDecl = { x: [784], classes: 10 };

/**
 * An unlabeled stream over the training set: the default every phase reads.
 *
 * @example
 * model('ssl', { data: mnist, nets, schedule, streams: [trainStream, labeledStream('labeled', 100)] });
 */
export const trainStream: StreamDecl = { name: 'train', labels: 'none' };

/**
 * A stream that exposes labels: all of them, or a balanced seeded subset of `count` examples.
 *
 * @example
 * labeledStream('labeled', 100);   // { name: 'labeled', labels: { count: 100 } }: 10 per digit
 * labeledStream('supervised');     // every label
 */
export const labeledStream = (name: string, count?: number): StreamDecl => ({
  name,
  labels: count === undefined ? 'all' : { count },
});

/**
 * Everything a model needs besides its name: the data it trains on, its nets, the schedule one
 * iteration runs, and optionally its streams and evaluation views.
 *
 * @example
 * const options: ModelOptions = { data: mnist, nets: [encoder, decoder, disc], schedule: [rec, crit, gen],
 *   views: { sample: apply(decoder, sample('z', gaussian(8))), encode: apply(encoder, input()) } };
 * model('aae', options);
 */
export interface ModelOptions {
  readonly data: DataDecl;
  readonly nets: readonly NetDecl[];
  readonly schedule: readonly Step[];
  /** Defaults to one unlabeled stream named `train`. */
  readonly streams?: readonly StreamDecl[];
  readonly views?: Views;
}

/**
 * Declare a whole model. It is plain data: `compile` checks and lowers it, `encodeModel` saves it as
 * a JSON spec. Streams default to one unlabeled `train` stream; views to none.
 *
 * @example
 * const aae = model('aae', { data: mnist, nets: [encoder, decoder, disc], schedule: [rec, crit, gen] });
 * compile(aae);   // Either<CompileError[], Plan>
 */
export const model = (name: string, options: ModelOptions): Model => ({
  name,
  data: options.data,
  nets: options.nets,
  streams: options.streams ?? [trainStream],
  schedule: options.schedule,
  views: options.views ?? {},
});
