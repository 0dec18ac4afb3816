/**
 * Option codecs shared by the zoo entries: values with rules (widths, rates, label counts).
 *
 * Each codec carries a readable name because `resolveOptions` reports a rejected value as
 * `"<value>" is not <codec name>` at `options.<key>`; the name is the sentence a user reads, so
 * it says what a valid value looks like rather than naming a TypeScript type.
 *
 * @module
 */
import * as t from 'io-ts';

/** A codec for values that already have their final type and only need a rule checked. */
const rule = <A>(name: string, holds: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(name, holds, (u, c) => (holds(u) ? t.success(u) : t.failure(u, c)), t.identity);

const isFiniteNumber = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u);

/** A layer width, latent size or class count: rejects 0, negatives and fractions (`latent=2.5`). */
export const PositiveInt = rule(
  'a positive integer',
  (u): u is number => isFiniteNumber(u) && Number.isInteger(u) && u > 0,
);

/** A learning rate, a loss weight or a kernel bandwidth: finite and strictly positive. */
export const PositiveNumber = rule('a positive number', (u): u is number => isFiniteNumber(u) && u > 0);

/** A dropout rate: 0 switches dropout off, 1 would drop everything. */
export const DropoutRate = rule('a rate in [0, 1)', (u): u is number => isFiniteNumber(u) && u >= 0 && u < 1);

/** An iteration count where 0 means "none" (`annealIterations: 0` keeps learning rates constant). */
export const NonNegativeInt = rule(
  'a whole number ≥ 0',
  (u): u is number => isFiniteNumber(u) && Number.isInteger(u) && u >= 0,
);

/** A noise level or weight where 0 means "off": finite and ≥ 0. */
export const NonNegativeNumber = rule('a number ≥ 0', (u): u is number => isFiniteNumber(u) && u >= 0);

/** A learning-rate floor: the fraction of the base rate a schedule ends at, in (0, 1]. */
export const RateFloor = rule(
  'a fraction in (0, 1]',
  (u): u is number => isFiniteNumber(u) && u > 0 && u <= 1,
);

/** Adam's β₁: a decay in [0, 1). */
export const Beta = rule('a decay in [0, 1)', (u): u is number => isFiniteNumber(u) && u >= 0 && u < 1);

/**
 * A non-empty list whose items follow `item`. A bad item is reported at its index
 * (`options.hidden.1`), a value that is not a list at the option itself.
 */
export const nonEmptyList = <A>(
  item: t.Type<A, A, unknown>,
  name: string,
): t.Type<readonly A[], readonly A[], unknown> =>
  new t.Type<readonly A[], readonly A[], unknown>(
    name,
    (u): u is readonly A[] => Array.isArray(u) && u.length > 0 && u.every((v) => item.is(v)),
    (u, c) => {
      if (!Array.isArray(u) || u.length === 0) return t.failure(u, c);
      const errors: t.ValidationError[] = [];
      u.forEach((v: unknown, i) => {
        if (!item.is(v))
          errors.push({ value: v, context: [...c, { key: String(i), type: item, actual: v }] });
      });
      return errors.length > 0 ? t.failures(errors) : t.success(u as readonly A[]);
    },
    t.identity,
  );

/** Hidden-layer widths, input side first (`[1024, 512, 216]`). */
export const Widths = nonEmptyList(PositiveInt, 'a non-empty list of positive integers');

/** RBF bandwidths of an MMD kernel mixture. */
export const Bandwidths = nonEmptyList(PositiveNumber, 'a non-empty list of positive numbers');

/**
 * How many labeled examples the semi-supervised phase may see: a count (the paper's 100 and
 * 1000) or `"all"`. The labeled stream is balanced over the classes, so a count must be a
 * multiple of `classes` — checked here, where `--set labels=15` is typed, rather than when the
 * stream is built. One codec rather than an io-ts union, so a bad value yields one error at
 * `options.labels` instead of one per union member.
 */
export const labelCount = (classes: number): t.Type<number | 'all', number | 'all', unknown> =>
  rule(
    `a positive multiple of ${classes} (labels are balanced over the classes) or "all"`,
    (u): u is number | 'all' =>
      u === 'all' || (isFiniteNumber(u) && Number.isInteger(u) && u > 0 && u % classes === 0),
  );

/** The generator's view of a GAN game, as in `AaeOptions.form`. */
export const GanFormOption = t.keyof(
  { minimax: null, nonSaturating: null, leastSquares: null },
  'one of "minimax", "nonSaturating", "leastSquares"',
);
