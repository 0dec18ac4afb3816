import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainingSpeed } from '../../src/cli/report.js';
import { paperFigures } from '../../src/report/paper.js';
import { saddle } from '../cli/helpers.js';
import { buildPages, trainTinyRun } from './fixtures.js';

let run = '';
let other = '';

beforeAll(async () => {
  buildPages();
  run = await trainTinyRun();
  other = await trainTinyRun(2, 20);
}, 300_000);

/** The chart specs inlined in a report page, by id. */
const chartsOf = (html: string): Record<string, unknown> =>
  JSON.parse(
    /<script type="application\/json" id="saddle-charts">(.*?)<\/script>/s.exec(html)![1]!,
  ) as Record<string, unknown>;

describe('saddle report', () => {
  it('writes one self-contained page: facts, plan, curves, every epoch, no network', async () => {
    const r = await saddle('report', run);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(run, 'report.html'));
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    // No element loads anything: scripts are inline, pictures are data: URIs.
    const markup = html.replace(/<script([^>]*)>[^]*?<\/script>/g, '<script$1></script>');
    expect(markup).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="(?!data:)/);
    expect(markup.match(/<script/g)).toHaveLength(2);
    expect(html).toContain('<details><summary>compiled plan (saddle explain)</summary>');
    expect(html).toContain('cpu');
    // Two epochs of 20 steps: samples, latent and code pictures of epochs 1, 2 and the end.
    expect(html.match(/alt="samples, epoch [^"]+"/g)).toEqual([
      'alt="samples, epoch 1"',
      'alt="samples, epoch 2"',
      'alt="samples, epoch final"',
    ]);
    expect(Object.keys(chartsOf(html)).sort()).toEqual(
      [
        'run0-codes-0',
        'run0-codes-1',
        'run0-codes-2',
        'run0-latent-0',
        'run0-latent-1',
        'run0-latent-2',
        'run0-loss',
      ].sort(),
    );
  });

  it('puts eval.json beside the paper figure of the zoo entry', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'saddle-report-eval-'));
    for (const f of ['run.json', 'metrics.jsonl']) writeFileSync(join(copy, f), readFileSync(join(run, f)));
    const runJson = JSON.parse(readFileSync(join(copy, 'run.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(
      join(copy, 'run.json'),
      JSON.stringify({ ...runJson, source: { kind: 'zoo', id: 'aae', options: {} } }),
    );
    writeFileSync(
      join(copy, 'eval.json'),
      JSON.stringify({
        version: 1,
        model: 'aae',
        iteration: 40,
        backend: 'cpu',
        seed: 0,
        samples: 100,
        date: '2026-12-06',
        summary: { parzen: 123.4 },
        metrics: {
          parzen: { mean: 123.4, stderr: 1.5, sigma: 0.2, samples: 100, n: 50, validationSize: 10 },
        },
      }),
    );
    expect((await saddle('report', copy)).code).toBe(0);
    const table = JSON.stringify(chartsOf(readFileSync(join(copy, 'report.html'), 'utf8'))['run0-metrics']);
    expect(table).toContain('123.4 ± 1.5 nats');
    expect(table).toContain(paperFigures['aae']!.text);
  });

  it('compares several runs on one page: curves overlaid, one section per run', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'saddle-compare-')), 'both.html');
    const r = await saddle('report', run, other, '--out', out);
    expect(r.code).toBe(0);
    const charts = chartsOf(readFileSync(out, 'utf8'));
    expect(Object.keys(charts)).toContain('compare-loss');
    expect(Object.keys(charts)).toContain('run1-loss');
    expect(JSON.stringify(charts['compare-loss'])).toMatch(/"run":"run"/);
    // One run with --out: its own page, written there, no comparison.
    const single = join(dirname(out), 'single.html');
    expect((await saddle('report', run, '--out', single)).code).toBe(0);
    expect(Object.keys(chartsOf(readFileSync(single, 'utf8')))).not.toContain('compare-loss');
  });

  it('says in one line what is wrong with a directory that holds no run', async () => {
    const r = await saddle('report', tmpdir());
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/is not a saddle run directory/);
    expect((await saddle('report')).code).toBe(2);
  });

  it('was written by saddle train at the end of the run', () => {
    expect(existsSync(join(other, 'report.html'))).toBe(true);
  });
});

describe('report pieces', () => {
  it('measures speed over the stretches where the clock runs, not across a resume', () => {
    const rec = (iteration: number, time: number) => ({ iteration, epoch: 1, losses: {}, time });
    // 10 steps in 2 s, then a resume restarting the clock, then 10 steps in 3 s: 20 / 5.
    expect(trainingSpeed([rec(10, 1), rec(20, 3), rec(30, 0.5), rec(40, 3.5)])).toBeCloseTo(4);
    expect(trainingSpeed([rec(10, 1)])).toBeUndefined();
    // Lines flushed together share their time: 3 steps in 2 s, not 1 step per flush.
    expect(trainingSpeed([rec(1, 2), rec(2, 2), rec(3, 4), rec(4, 4)])).toBeCloseTo(1.5);
  });

  it("quotes every paper figure exactly as docs/reproduction.md's table does, in that entry's row", () => {
    const doc = readFileSync(new URL('../../docs/reproduction.md', import.meta.url), 'utf8');
    for (const [id, figure] of Object.entries(paperFigures)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${id}\``));
      expect(row, id).toBeDefined();
      expect(row).toContain(figure.text);
    }
  });
});
