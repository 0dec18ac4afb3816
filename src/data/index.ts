/**
 * saddle's data layer: seeded randomness, datasets as typed arrays (MNIST and synthetic sets), and
 * resumable batch streams. No tensors here; the runtime uploads batches.
 */
export * from './rng.js';
export * from './dataset.js';
export * from './idx.js';
export * from './mnist.js';
export * from './synthetic.js';
export * from './stream.js';
