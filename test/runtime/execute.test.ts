import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Instr, Op, Program, Rows } from '../../src/compile/plan.js';
import { createDraws } from '../../src/runtime/draws.js';
import { compileProgram, ExecutionError, type BatchTensors } from '../../src/runtime/execute.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A program from a list of ops (ids are positions; the last is the output). */
const program = (ops: readonly [Op, readonly number[], Rows?][]): Program => ({
  instrs: ops.map(([op, shape, rows], id): Instr => ({ id, op, shape, rows: rows ?? 'batch' })),
  output: ops.length - 1,
});

const mode = { training: true, updates: new Set<string>(), where: "phase 'test'" };
const noNets = new Map();

const run = (p: Program, batch: BatchTensors, seed = 1): number[][] => {
  const values = compileProgram(p, noNets, mode)({ batch, draws: createDraws(seed) });
  return values.map((v) => Array.from(v.dataSync()));
};

const x = (): tf.Tensor2D =>
  tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);

describe('executor ops', () => {
  it('slice, concat, add, scale and sum compute what they say', () => {
    const p = program([
      [{ kind: 'input' }, [3]],
      [{ kind: 'slice', of: 0, start: 1, width: 2 }, [2]],
      [{ kind: 'concat', parts: [1, 0] }, [5]],
      [{ kind: 'add', terms: [0, 0] }, [3]],
      [{ kind: 'reconstruction', metric: 'mse', target: 0, output: 3 }, [], 'scalar'],
      [{ kind: 'scale', by: 0.5, of: 4 }, [], 'scalar'],
      [{ kind: 'sum', of: [4, 5] }, [], 'scalar'],
    ]);
    const v = run(p, { x: x(), labels: null, rows: 2 });
    expect(v[1]).toEqual([2, 3, 5, 6]);
    expect(v[2]).toEqual([2, 3, 1, 2, 3, 5, 6, 4, 5, 6]);
    expect(v[3]).toEqual([2, 4, 6, 8, 10, 12]);
    const mse = (1 + 4 + 9 + 16 + 25 + 36) / 2;
    expect(v[4]?.[0]).toBeCloseTo(mse, 4);
    expect(v[5]?.[0]).toBeCloseTo(mse / 2, 4);
    expect(v[6]?.[0]).toBeCloseTo(1.5 * mse, 4);
  });

  it('oneHot turns labels into rows; a program reading labels without them fails by name', () => {
    const p = program([
      [{ kind: 'label' }, []],
      [{ kind: 'oneHot', of: 0, classes: 3 }, [3]],
    ]);
    const v = run(p, { x: null, labels: tf.tensor1d([2, 0], 'int32'), rows: 2 });
    expect(v[1]).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => run(p, { x: null, labels: null, rows: 2 })).toThrow(ExecutionError);
    expect(() => run(p, { x: null, labels: null, rows: 2 })).toThrow(/phase 'test' reads labels/);
  });

  it('gaussianCode is mean + exp(logvar / 2) · ε with ε from the evaluation draws', () => {
    const p = program([
      [{ kind: 'input' }, [4]],
      [{ kind: 'gaussianCode', site: 'eps', params: 0 }, [2]],
    ]);
    const logvar = Math.log(4);
    const params = tf.tensor2d([
      [1, -2, logvar, logvar],
      [0, 3, logvar, logvar],
    ]);
    const v = run(p, { x: params, labels: null, rows: 2 }, 42);
    const draws = createDraws(42);
    const eps = [draws.normal(), draws.normal(), draws.normal(), draws.normal()];
    const expected = [
      1 + 2 * (eps[0] ?? 0),
      -2 + 2 * (eps[1] ?? 0),
      2 * (eps[2] ?? 0),
      3 + 2 * (eps[3] ?? 0),
    ];
    v[1]?.forEach((value, i) => expect(value).toBeCloseTo(expected[i] ?? Number.NaN, 5));
  });

  it('samples have the batch rows, or the rows a sample fixes', () => {
    const p = program([
      [{ kind: 'sample', site: 'z', dist: { kind: 'gaussian', dim: 3, mean: 0, std: 1 } }, [3]],
      [{ kind: 'sample', site: 'w', dist: { kind: 'uniform', dim: 2, low: 0, high: 1 } }, [2], 5],
    ]);
    const values = compileProgram(
      p,
      noNets,
      mode,
    )({ batch: { x: null, labels: null, rows: 4 }, draws: createDraws(3) });
    expect(values[0]?.shape).toEqual([4, 3]);
    expect(values[1]?.shape).toEqual([5, 2]);
  });

  it('stopGradient passes values and blocks gradients', () => {
    const blocked = program([
      [{ kind: 'input' }, [2]],
      [{ kind: 'stopGradient', of: 0 }, [2]],
      [{ kind: 'klGaussian', params: 1 }, [], 'scalar'],
    ]);
    const open = program([
      [{ kind: 'input' }, [2]],
      [{ kind: 'klGaussian', params: 0 }, [], 'scalar'],
    ]);
    const lossOf = (p: Program) => (t: tf.Tensor) =>
      compileProgram(p, noNets, mode)({ batch: { x: t, labels: null, rows: 1 }, draws: createDraws(0) })[
        p.output
      ] as tf.Scalar;
    const params = tf.tensor2d([[0.5, 0.3]]);
    expect(lossOf(blocked)(params).dataSync()[0]).toBeCloseTo(
      lossOf(open)(params).dataSync()[0] ?? Number.NaN,
      6,
    );
    expect(Array.from(tf.grad(lossOf(blocked))(params).dataSync())).toEqual([0, 0]);
    const g = Array.from(tf.grad(lossOf(open))(params).dataSync());
    expect(g[0]).toBeCloseTo(0.5, 5); // ∂KL/∂μ = μ
    expect(g[1]).toBeCloseTo(0.5 * (Math.exp(0.3) - 1), 5); // ∂KL/∂logvar = (σ² − 1)/2
  });
});
