/**
 * The error codes: one stable, kebab-case name for every kind of mistake the decoder or the
 * compiler can report, and the registry that lists them all.
 *
 * A message is written for the person reading it and may be reworded; a code is a contract. It
 * lets a user look the mistake up (`docs/errors.md#<code>` has a minimal model that triggers it and
 * the fix), lets a tool filter or count errors without parsing sentences, and lets the docs test
 * prove that every code has its section. One code names one kind of mistake with one fix: a family
 * of range rules that all read "make this number fit the rule" shares `out-of-range`, while a
 * critic with two outputs and a net applied to two widths are different mistakes with different
 * codes.
 *
 * `ErrorCode` is derived from the registry, so a code that is not registered does not type-check
 * wherever an error is built, and the registry cannot forget a code that is used.
 *
 * The registry lives in `src/dsl` (not `src/compile`) because both the spec decoder
 * (`src/dsl/codec`) and the compiler report coded errors, and `src/dsl` never imports the compiler.
 *
 * @example
 * import { errorCatalog } from 'saddle';
 * errorCatalog['unknown-net'].title; // 'A reference to a net that is not declared'
 * errorCatalog['unknown-net'].stage; // 'references'
 *
 * @module
 */

// -------------------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------------------

/**
 * Where in the pipeline a mistake is found, which is also how `docs/errors.md` groups its sections
 * (in the order of `errorStages`).
 *
 * @example
 * import { errorCatalog, type ErrorStage } from 'saddle';
 * const stage: ErrorStage = errorCatalog['invalid-json'].stage; // 'spec'
 */
export type ErrorStage =
  'spec' | 'names' | 'references' | 'shapes' | 'losses' | 'ranges' | 'options' | 'internal';

/**
 * What the registry knows about a code: a one-line title and the stage that reports it.
 *
 * @example
 * import { errorCatalog, type ErrorInfo } from 'saddle';
 * const info: ErrorInfo = errorCatalog['wrong-player']; // { stage: 'losses', title: 'A game view minimized by ...' }
 */
export interface ErrorInfo {
  /** What went wrong, in a few words (the docs page shows it under the code's heading). */
  readonly title: string;
  readonly stage: ErrorStage;
}

// -------------------------------------------------------------------------------------------------
// the registry
// -------------------------------------------------------------------------------------------------

/**
 * The stages in the order a spec meets them, each with the heading `docs/errors.md` gives its
 * section. Reading a spec file comes first because a spec that does not decode is never compiled.
 *
 * @example
 * import { errorStages } from 'saddle';
 * Object.values(errorStages).map((s) => s.heading); // ['Reading a spec file', 'Names and the schedule', ...]
 */
export const errorStages: Readonly<Record<ErrorStage, { readonly heading: string }>> = {
  spec: { heading: 'Reading a spec file' },
  names: { heading: 'Names and the schedule' },
  references: { heading: 'References' },
  shapes: { heading: 'Shapes and widths' },
  losses: { heading: 'Losses, games and gradients' },
  ranges: { heading: 'Ranges' },
  options: { heading: 'Zoo options' },
  internal: { heading: 'Internal errors' },
};

const catalog = {
  // ---- reading a spec file ----
  'invalid-json': { stage: 'spec', title: 'The spec file is not valid JSON' },
  'wrong-type': { stage: 'spec', title: 'A value of the wrong type' },
  'missing-field': { stage: 'spec', title: 'A required field is missing' },
  'unknown-field': { stage: 'spec', title: 'A field the node does not have' },
  'unknown-kind': { stage: 'spec', title: 'A node kind that does not exist' },
  'unknown-value': { stage: 'spec', title: 'A value outside a fixed set of names' },
  'spec-too-deep': { stage: 'spec', title: 'A spec nested too deeply to read' },
  'cyclic-value': { stage: 'spec', title: 'A value that contains itself' },
  // ---- names and the schedule ----
  'invalid-name': { stage: 'names', title: 'An empty name, or a net name with a slash' },
  'duplicate-name': { stage: 'names', title: 'Two nets, streams or phases with one name' },
  'empty-list': { stage: 'names', title: 'A list that needs at least one element is empty' },
  'duplicate-update': { stage: 'names', title: 'A phase lists a net twice' },
  'never-updated': { stage: 'names', title: 'A trainable net no phase updates' },
  'never-applied': { stage: 'names', title: 'A net that nothing applies' },
  'simultaneous-repeat': { stage: 'names', title: 'A repeated phase inside a simultaneous group' },
  'site-reused': { stage: 'names', title: 'One sampling site drawn two different ways' },
  // ---- references ----
  'unknown-net': { stage: 'references', title: 'A reference to a net that is not declared' },
  'unknown-stream': { stage: 'references', title: 'A phase reads a stream that is not declared' },
  'not-a-critic': { stage: 'references', title: 'A game scored by a net that is not a critic' },
  'frozen-net': { stage: 'references', title: 'A frozen net where a trainable one is needed' },
  'labels-unavailable': { stage: 'references', title: 'Labels read from a stream without labels' },
  'unbalanced-labels': {
    stage: 'references',
    title: 'A labeled subset that is not a multiple of the classes',
  },
  // ---- shapes and widths ----
  'net-input-mismatch': { stage: 'shapes', title: 'One net applied to inputs of two shapes' },
  'layer-input-shape': { stage: 'shapes', title: 'A layer that cannot take the shape it is given' },
  'reshape-size': { stage: 'shapes', title: 'A reshape that changes the number of values' },
  'window-too-large': { stage: 'shapes', title: 'A convolution or pooling window larger than its input' },
  'critic-not-one-unit': { stage: 'shapes', title: 'A critic whose output is not one score' },
  'width-mismatch': { stage: 'shapes', title: 'Two values that must have one width do not' },
  'row-mismatch': { stage: 'shapes', title: 'Two values that must have one row count do not' },
  'not-flat': { stage: 'shapes', title: 'A value that must be flat has more axes' },
  'not-class-indices': { stage: 'shapes', title: 'oneHot of something that is not a label' },
  'odd-code-width': { stage: 'shapes', title: 'Gaussian code parameters of odd width' },
  'features-cut': { stage: 'shapes', title: 'Features that cut a layer from its fused activation' },
  // ---- losses, games and gradients ----
  'wrong-player': { stage: 'losses', title: 'A game view minimized by the wrong player (the sign bug)' },
  'loss-ignores-net': { stage: 'losses', title: 'A phase updates a net its loss does not depend on' },
  'kl-needs-gaussian-code': { stage: 'losses', title: 'klGaussian of something that is not a gaussianCode' },
  'mi-needs-categorical-sample': {
    stage: 'losses',
    title: 'mutualInformation of something that is not a categorical draw',
  },
  // ---- ranges ----
  'out-of-range': { stage: 'ranges', title: 'A number outside what its field allows' },
  // ---- zoo options ----
  'option-syntax': { stage: 'options', title: 'A --set that is not key=value' },
  'unknown-option': { stage: 'options', title: 'An option the zoo entry does not have' },
  'invalid-option': { stage: 'options', title: 'An option value the zoo entry does not accept' },
  // ---- internal ----
  internal: { stage: 'internal', title: 'A bug in saddle (please report it)' },
} as const satisfies Readonly<Record<string, ErrorInfo>>;

/**
 * Every error code. A string-literal union derived from `errorCatalog`, so an error built with a
 * code that is not registered fails to type-check.
 *
 * @example
 * import type { ErrorCode } from 'saddle';
 * const code: ErrorCode = 'unknown-net'; // 'unknown-nett' would not type-check
 */
export type ErrorCode = keyof typeof catalog;

/**
 * The registry of error codes: for each, its title and the stage that reports it. `docs/errors.md`
 * has one section per entry (anchor = code), and a test holds the page to this list.
 *
 * @example
 * import { errorCatalog } from 'saddle';
 * for (const [code, { title }] of Object.entries(errorCatalog)) console.log(`${code}: ${title}`);
 */
export const errorCatalog: Readonly<Record<ErrorCode, ErrorInfo>> = catalog;

/**
 * A mistake in a declaration (or a spec file): where, which kind, and what to do about it.
 * `path` points into the model as a JS accessor from its root (`schedule[1].update[0]`,
 * `nets[2].layers[4].units`; `''` is the whole model); `code` names the kind of mistake, stable
 * across releases and explained with a minimal example and the fix at `docs/errors.md#<code>`;
 * `message` is a sentence a user understands, naming the values involved.
 *
 * Decoding and compiling return every error at once (`Either<readonly CompileError[], _>`), never
 * throw for a user's mistake; `formatErrors` prints them one per line.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * import { compile, formatErrors } from 'saddle';
 * const r = compile(myModel);
 * if (E.isLeft(r)) {
 *   r.left[0]; // { path: 'schedule[1].update[0]', code: 'unknown-net', message: "phase 'critic' updates unknown net ..." }
 *   console.error(formatErrors(r.left));
 * }
 */
export interface CompileError {
  readonly path: string;
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * A `CompileError` from its three parts: the one way checks build errors, so a literal code is
 * checked against the registry wherever it is written.
 *
 * @example
 * import { issue } from 'saddle';
 * issue('schedule[0].data', 'unknown-stream', "phase 'critic' reads unknown stream 'trian' (streams: 'train')");
 */
export const issue = (path: string, code: ErrorCode, message: string): CompileError => ({
  path,
  code,
  message,
});

/**
 * Every registered code, in registry order (grouped by stage).
 *
 * @example
 * import { errorCodes } from 'saddle';
 * errorCodes.includes('wrong-player'); // true
 */
export const errorCodes: readonly ErrorCode[] = Object.keys(catalog) as ErrorCode[];

/**
 * Whether a string is a registered code: for tools that read codes back from printed output.
 *
 * @example
 * import { isErrorCode } from 'saddle';
 * isErrorCode('unknown-net'); // true
 * isErrorCode('no-such-code'); // false
 */
export const isErrorCode = (s: string): s is ErrorCode => Object.prototype.hasOwnProperty.call(catalog, s);

/**
 * Where a code is explained: its section of the errors page, relative to the package root. The
 * CLI prints it after a failed compile so a user goes from a message to its fix in one step.
 *
 * @example
 * import { errorDocs } from 'saddle';
 * errorDocs('unknown-net'); // 'docs/errors.md#unknown-net'
 */
export const errorDocs = (code: ErrorCode): string => `docs/errors.md#${code}`;
