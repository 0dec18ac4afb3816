import { describe, expect, it } from 'vitest';
import type { Model } from '../../src/dsl/ast.js';
import {
  applicableMetrics,
  notApplicable,
  parseMetricList,
  reconstructionMetricOf,
  runShapeOf,
} from '../../src/eval/metrics.js';
import { aae, aaeDefaults } from '../../src/zoo/aae.js';
import { aaeClustering } from '../../src/zoo/aae-clustering.js';
import { aaeSemisupervised } from '../../src/zoo/aae-semisupervised.js';
import { planOf } from '../compile/fixtures.js';

describe('metric applicability', () => {
  it('gives the paper AAE every metric but the classifier-head ones', () => {
    const shape = runShapeOf(planOf(aae.build(aaeDefaults)), { mnist: true });
    expect(applicableMetrics(shape)).toEqual(['parzen', 'fid', 'score', 'recon', 'mmd']);
    expect(notApplicable('cluster', shape)).toBe(
      "'cluster' needs the model's 'classify' view, which it does not declare",
    );
  });

  it('gives the semi-supervised AAE clustering and classification error', () => {
    const shape = runShapeOf(planOf(aaeSemisupervised.build(aaeSemisupervised.defaults)), { mnist: true });
    expect(applicableMetrics(shape)).toEqual(expect.arrayContaining(['cluster', 'classify']));
  });

  it('gives a 16-cluster head clustering error but not classification error', () => {
    const shape = runShapeOf(planOf(aaeClustering.build(aaeClustering.defaults)), { mnist: true });
    expect(shape.classifyWidth).toBe(16);
    expect(applicableMetrics(shape)).toEqual(['parzen', 'fid', 'score', 'recon', 'mmd', 'cluster']);
    expect(notApplicable('classify', shape)).toMatch(
      /16 outputs for 10 classes \(a clustering head: use 'cluster'\)/,
    );
    const ten = runShapeOf(planOf(aaeClustering.build({ ...aaeClustering.defaults, clusters: 10 })), {
      mnist: true,
    });
    expect(applicableMetrics(ten)).toContain('classify');
  });

  it('refuses classifier metrics on data that is not MNIST-shaped', () => {
    const shape = { views: ['sample' as const], dataWidth: 2, classes: 8, mnist: false };
    expect(applicableMetrics(shape)).toEqual(['parzen']);
    expect(notApplicable('fid', shape)).toMatch(
      /MNIST classifier, but this run's data are not MNIST \(2 wide, 8 classes\)/,
    );
    // 28 × 28 synthetic digits have MNIST's shape but are not MNIST.
    expect(notApplicable('score', { ...shape, dataWidth: 784, classes: 10 })).toMatch(/not MNIST/);
    expect(notApplicable('score', { ...shape, dataWidth: 784, classes: 10, mnist: true })).toBeUndefined();
    expect(notApplicable('mmd', shape)).toMatch(/'encode' and 'prior' views/);
  });

  it('reads the reconstruction loss the model trains with', () => {
    expect(reconstructionMetricOf(planOf(aae.build(aaeDefaults)))).toBe('bce');
    const squared = JSON.parse(
      JSON.stringify(aae.build(aaeDefaults)).replaceAll('"metric":"bce"', '"metric":"mse"'),
    ) as Model;
    expect(reconstructionMetricOf(planOf(squared))).toBe('mse');
  });

  it('parses a --metrics list and reports unknown names', () => {
    expect(parseMetricList('mmd, parzen,,fid')).toEqual({ metrics: ['parzen', 'fid', 'mmd'], unknown: [] });
    expect(parseMetricList('fid,inception,fd').unknown).toEqual(['inception', 'fd']);
  });
});
