/**
 * The parity check as a test: every case of `parity/cases.ts`, 20 iterations on real MNIST, saddle
 * against the PyTorch reference on one backend. Where no Python with PyTorch is installed the test
 * prints why and what to install; under `CI=true` (where `.ci/run` installs `python3-torch`) a
 * missing PyTorch is a failure, so CI never passes without the check.
 */
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../../src/data/mnist.js';
import { selectBackend, type BackendChoice } from '../../src/runtime/backend/select.js';
import { parityCases } from '../../parity/cases.js';
import { findTorchPython, runCase } from '../../parity/harness.js';

export const parityTest = (backend: BackendChoice): void => {
  describe(`parity with the PyTorch reference on ${backend}`, () => {
    const torch = findTorchPython();
    if (!torch.ok) {
      it('reports that the check could not run, and why', () => {
        console.warn(`parity (${backend}) NOT RUN: ${torch.reason}`);
        expect(torch.reason).toContain('python3-torch');
        expect(process.env['CI'], 'CI must have python3-torch (.ci/run installs it)').not.toBe('true');
      });
      return;
    }
    for (const c of parityCases) {
      it(`${c.name}: every phase loss and every updated parameter agree for 20 iterations`, async () => {
        const info = await selectBackend(backend);
        const { train } = await loadMnist();
        const result = await runCase(c, {
          python: torch.python,
          data: train,
          iterations: 20,
          backend: info.name,
        });
        expect(result.iterations).toHaveLength(20);
        const worst = result.iterations.map((i) => i.maxRelativeError);
        expect(
          Math.max(...worst),
          `per-iteration errors: ${worst.map((e) => e.toExponential(1)).join(' ')}`,
        ).toBeLessThanOrEqual(result.tolerance);
      }, 300_000);
    }
  });
};
