import * as tf from '@tensorflow/tfjs';
import { fc, test as fcTest } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Plan, PlanStep } from '../../src/compile/plan.js';
import { createDataset } from '../../src/data/dataset.js';
import { createRng } from '../../src/data/rng.js';
import { createTrainer } from '../../src/runtime/trainer.js';
import { arbWellFormedModel } from '../arbitraries/wellformed.js';
import { compileOrThrow } from './models.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const snapshot = (variables: ReadonlyMap<string, tf.Variable>): Map<string, Float32Array> =>
  new Map([...variables].map(([name, v]) => [name, v.dataSync().slice() as Float32Array]));

const netOf = (param: string): string => param.slice(0, param.indexOf('/'));

const updatedBy = (step: PlanStep): Set<string> =>
  new Set(step.kind === 'phase' ? step.phase.update : step.phases.flatMap((p) => p.update));

let stepsRun = 0;
let stepsThatMoved = 0;

describe('a phase changes only the variables of the nets it updates', () => {
  fcTest.prop([arbWellFormedModel, fc.integer({ min: 0, max: 1000 })], { numRuns: 25 })(
    'for every step of random well-formed plans (batch norm statistics included)',
    (model, seed) => {
      const plan = compileOrThrow(model);
      const width = plan.data.x.reduce((a, b) => a * b, 1);
      const rng = createRng(seed);
      const size = 24;
      const data = createDataset({
        name: 'uniform',
        x: Float32Array.from({ length: size * width }, () => rng.nextFloat()),
        shape: [...plan.data.x],
        labels: Int32Array.from({ length: size }, () => rng.int(plan.data.classes)),
        classes: plan.data.classes,
      });
      for (const step of plan.schedule) {
        const single: Plan = { ...plan, schedule: [step] };
        const trainer = createTrainer({ plan: single, data, batchSize: 8, seed });
        const before = snapshot(trainer.variables);
        trainer.step();
        const after = snapshot(trainer.variables);
        const updated = updatedBy(step);
        const changed = [...after]
          .filter(([name, v]) => !v.every((x, i) => Object.is(x, before.get(name)?.[i])))
          .map(([n]) => n);
        const outside = changed.filter((name) => !updated.has(netOf(name)));
        expect(outside, `step updating [${[...updated].join(', ')}] changed ${outside.join(', ')}`).toEqual(
          [],
        );
        stepsRun += 1;
        if (changed.length > 0) stepsThatMoved += 1;
        trainer.dispose();
      }
    },
  );

  afterAll(() => {
    // Not vacuous: almost every step really moved its own nets.
    expect(stepsRun).toBeGreaterThan(0);
    expect(stepsThatMoved / stepsRun).toBeGreaterThan(0.8);
  });
});
