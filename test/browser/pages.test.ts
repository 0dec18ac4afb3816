/**
 * The report page and the latent-space explorer in a real browser (Debian's chromium, driven by
 * playwright-core): pages render without console errors, charts draw marks, dragging the latent
 * point changes the decoded image, and the browser decodes as the same decoder does in Node.
 */
import * as tf from '@tensorflow/tfjs';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ExplorerServer } from '../../src/cli/serve.js';
import { saddle } from '../cli/helpers.js';
import { buildPages, trainTinyRun } from '../report/fixtures.js';
import { chromiumMissing, launch } from './chromium.js';

const missing = chromiumMissing();

/**
 * What the page code below touches in the browser: typed here because the tests compile without
 * the DOM library (the casts are erased before playwright sends a function to the page).
 */
interface PageGlobals {
  readonly document: {
    getElementById(id: string): {
      width: number;
      height: number;
      dataset: Record<string, string | undefined>;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
      };
    };
    readonly body: { readonly dataset: Record<string, string | undefined> };
  };
  readonly saddleExplorer: { code: number[]; decoded: number[]; backend: string };
}

/** Load an exported net in Node as the browser does, from its model.json and weights.bin. */
const loadExported = async (dir: string): Promise<tf.LayersModel> => {
  const { modelTopology, weightsManifest } = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weights = readFileSync(join(dir, 'weights.bin'));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology,
      weightSpecs: weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
};

/** Decode one code in Node. */
const decodeInNode = async (run: string, code: readonly number[]): Promise<Float32Array> => {
  const decoder = await loadExported(join(run, 'export', 'decoder'));
  const out = decoder.predict(tf.tensor2d([[...code]])) as tf.Tensor;
  const values = (await out.data()) as Float32Array;
  out.dispose();
  decoder.dispose();
  return values;
};

const maxDifference = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
};

/** A page that records its console errors and uncaught exceptions. */
const openPage = async (context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> => {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors };
};

/** The decoded canvas's pixels, as a plain array. */
const canvasPixels = (page: Page): Promise<number[]> =>
  page.evaluate(() => {
    const c = (globalThis as unknown as PageGlobals).document.getElementById('decoded');
    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data);
  });

const explorerState = (page: Page) =>
  page.evaluate(() => {
    const { code, decoded, backend } = (globalThis as unknown as PageGlobals).saddleExplorer;
    return { code, decoded, backend };
  });

/** The page's error line, if it shows one. */
const pageError = (page: Page): Promise<string | undefined> =>
  page.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset['error']);

if (missing !== undefined) {
  // Never a silent pass: say why, and fail where the browser must be there (CI installs it).
  console.warn(missing);
  describe('browser pages', () => {
    if (process.env['CI'] !== undefined) {
      it('needs chromium under CI', () => {
        throw new Error(missing);
      });
    } else {
      it.skip(`skipped: ${missing}`, () => {});
    }
  });
} else {
  // Generous: the machine is shared, and a page's first WebGL start-up can be slow under load.
  describe('browser pages', { timeout: 240_000 }, () => {
    let run = '';
    let wide = '';
    let context: BrowserContext;
    const servers: ExplorerServer[] = [];
    const serve = async (dir: string): Promise<ExplorerServer> => {
      const s = await startServer(dir, { port: 0 });
      servers.push(s);
      return s;
    };

    beforeAll(async () => {
      buildPages();
      run = await trainTinyRun(2, 40);
      wide = await trainTinyRun(3, 20);
      ({ context } = await launch());
    }, 300_000);

    afterAll(async () => {
      await context?.close();
      await Promise.all(servers.map((s) => s.close()));
    });

    it('opens report.html from disk and renders every chart', async () => {
      const { page, errors } = await openPage(context, pathToFileURL(join(run, 'report.html')).href);
      await page.waitForSelector('body[data-charts], body[data-error]', { timeout: 120_000 });
      expect(await pageError(page)).toBeUndefined();
      // Loss panels are lines, the latent scatter and code histograms are symbols and bars.
      expect(await page.locator('[data-chart="run0-loss"] svg .mark-line path').count()).toBe(3);
      expect(await page.locator('#run0-latent .shown svg .mark-symbol path').count()).toBeGreaterThan(1000);
      expect(await page.locator('#run0-codes .shown svg .mark-rect path').count()).toBeGreaterThan(10);
      // The epoch slider shows epoch 1's scatter, embedding it on first show.
      await page.locator('input[data-slider="run0-latent"]').fill('0');
      await page.waitForSelector('#run0-latent [data-frame="0"].shown svg .mark-symbol path', {
        timeout: 60_000,
      });
      expect(await page.locator('[data-slider-label="run0-latent"]').textContent()).toBe('1');
      expect(errors).toEqual([]);
      await page.close();
    });

    it('decodes in the browser as in Node, and dragging the latent point changes the image', async () => {
      const server = await serve(run);
      expect(server.problem).toBeUndefined();
      const { page, errors } = await openPage(context, server.url);
      await page.waitForSelector('body[data-ready], body[data-error]', { timeout: 120_000 });
      expect(await pageError(page)).toBeUndefined();
      const before = await explorerState(page);
      expect(['webgl', 'cpu']).toContain(before.backend);
      expect(maxDifference(before.decoded, await decodeInNode(run, before.code))).toBeLessThanOrEqual(1e-3);
      const pixelsBefore = await canvasPixels(page);

      const box = (await page.locator('#scatter svg').boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.3);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.75, { steps: 8 });
      await page.mouse.up();
      await page.waitForFunction(
        (old) => (globalThis as unknown as PageGlobals).saddleExplorer.code.join() !== old,
        before.code.join(),
        {
          timeout: 60_000,
        },
      );
      // Let the newest decode land, then compare what is drawn and what Node decodes.
      await page.waitForFunction(
        () =>
          (globalThis as unknown as PageGlobals).document.getElementById('decoded').dataset['version'] !==
          undefined,
      );
      const after = await explorerState(page);
      expect(after.code).not.toEqual(before.code);
      expect(await canvasPixels(page)).not.toEqual(pixelsBefore);
      expect(maxDifference(after.decoded, await decodeInNode(run, after.code))).toBeLessThanOrEqual(1e-3);
      // The report is served beside the explorer.
      const report = await openPage(context, `${server.url}report.html`);
      await report.page.waitForSelector('body[data-charts]', { timeout: 120_000 });
      expect([...errors, ...report.errors]).toEqual([]);
      await report.page.close();
      await page.close();
    });

    it('gives wider codes one slider per dimension and interpolates between two test images', async () => {
      const server = await serve(wide);
      const { page, errors } = await openPage(context, server.url);
      await page.waitForSelector('body[data-ready], body[data-error]', { timeout: 120_000 });
      expect(await page.locator('#sliders input[type=range]').count()).toBe(3);
      const info = (await (await fetch(`${server.url}api/explorer.json`)).json()) as {
        test: { codes: number[][] };
      };
      await page.locator('#t').fill('1');
      const target = info.test.codes[Number(await page.locator('#to').inputValue())]!;
      await page.waitForFunction(
        (t) => (globalThis as unknown as PageGlobals).saddleExplorer.code.join() === t.join(),
        target,
        {
          timeout: 60_000,
        },
      );
      const state = await explorerState(page);
      expect(maxDifference(state.decoded, await decodeInNode(wide, state.code))).toBeLessThanOrEqual(1e-3);
      expect(Number(await page.locator('#sliders input[data-dim="2"]').inputValue())).toBeCloseTo(
        target[2]!,
        2,
      );
      expect(errors).toEqual([]);
      await page.close();
    });

    it('says why on the page, and gives serve the line it prints, when the run has no export or its decoder cannot decode its codes', async () => {
      const noExport = join(mkdtempSync(join(tmpdir(), 'saddle-noexport-')), 'run');
      cpSync(run, noExport, { recursive: true });
      rmSync(join(noExport, 'export'), { recursive: true });
      const mismatched = join(mkdtempSync(join(tmpdir(), 'saddle-mismatch-')), 'run');
      cpSync(run, mismatched, { recursive: true });
      cpSync(join(mismatched, 'export', 'encoder'), join(mismatched, 'export', 'decoder'), {
        recursive: true,
      });

      for (const [dir, message] of [
        [noExport, /no exported decoder \(export\/decoder\/model.json\)/],
        [
          mismatched,
          /the exported decoder 'decoder' takes 81 inputs but the encoder's codes have 2 dimensions/,
        ],
      ] as const) {
        const server = await serve(dir);
        expect(server.problem).toMatch(message);
        const { page } = await openPage(context, server.url);
        await page.waitForSelector('body[data-error]', { timeout: 60_000 });
        expect(await page.locator('#error').textContent()).toMatch(message);
        expect(await page.locator('#error').isVisible()).toBe(true);
        await page.close();
      }
    });
  });
}

describe('saddle serve on the command line', () => {
  it('refuses a port in use, a bad --port and a directory without a run, in one line each, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saddle-serve-'));
    const runJson = {
      version: 1,
      model: {},
      source: { kind: 'spec', file: 'x.json' },
      seed: 0,
      batchSize: 1,
      data: 'tiny',
      totalSteps: 1,
    };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(runJson));
    const busy = createServer();
    await new Promise<void>((done) => busy.listen(0, '127.0.0.1', done));
    const port = (busy.address() as { port: number }).port;
    try {
      const inUse = await saddle('serve', dir, '--port', String(port));
      expect(inUse.code).toBe(2);
      expect(inUse.stderr.trim().split('\n')).toEqual([
        `saddle serve: port ${port} is in use; choose another with --port N`,
      ]);
    } finally {
      busy.close();
    }
    const noRun = await saddle('serve', tmpdir());
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toMatch(/is not a saddle run directory/);
    const bad = await saddle('serve', dir, '--port', 'http');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'saddle serve: --port must be an integer from 0 to 65535, got "http"',
    ]);
  });
});
