/**
 * The latent-space explorer (bundled into `dist/web/explorer.js`, served by `saddle serve`): loads
 * the run's exported decoder with `tf.loadLayersModel` over HTTP and decodes codes in the browser,
 * on WebGL when the browser has it (else tfjs's cpu backend).
 *
 * - 2-D codes: the test codes' scatter (the same Vega-Lite spec as the report); drag the black point
 *   over it and the decoded image follows.
 * - Wider codes: one slider per dimension.
 * - Any width: interpolate between the codes of two test images the server encoded.
 *
 * `window.saddleExplorer` exposes the state (backend, current code, decoded values) and `decode`,
 * for the browser tests to compare with the same decoder run in Node.
 */
import * as tf from '@tensorflow/tfjs';
import embed from 'vega-embed';
import type { ExplorerInfo } from '../src/cli/explorer-info.js';

interface ExplorerState {
  ready: boolean;
  backend: string;
  code: number[];
  decoded: number[];
  error?: string;
  decode: (code: readonly number[]) => Promise<number[]>;
}

declare global {
  interface Window {
    saddleExplorer: ExplorerState;
  }
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const state: ExplorerState = {
  ready: false,
  backend: '',
  code: [],
  decoded: [],
  decode: async () => [],
};
window.saddleExplorer = state;

const fail = (message: string): void => {
  state.error = message;
  const el = $('error');
  el.textContent = message;
  el.hidden = false;
  document.body.dataset['error'] = message;
};

/** WebGL when it initialises, else cpu (headless browsers without a GPU often have no WebGL). */
const chooseBackend = async (): Promise<string> => {
  try {
    if (await tf.setBackend('webgl')) {
      await tf.ready();
      return tf.getBackend();
    }
  } catch {
    // fall through to cpu
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf.getBackend();
};

/** Draw values in [0, 1] as a grey image, one square block of canvas pixels per value. */
const draw = (
  canvas: HTMLCanvasElement,
  values: readonly number[],
  size: { height: number; width: number },
): void => {
  const PIXELS = Math.max(1, Math.ceil(200 / size.width)); // canvas pixels per image pixel: ~200 px wide
  canvas.width = size.width * PIXELS;
  canvas.height = size.height * PIXELS;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return;
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < size.width; x++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, values[y * size.width + x] ?? 0)));
      ctx.fillStyle = `rgb(${v},${v},${v})`;
      ctx.fillRect(x * PIXELS, y * PIXELS, PIXELS, PIXELS);
    }
  }
};

const main = async (): Promise<void> => {
  const info = (await (await fetch('api/explorer.json')).json()) as ExplorerInfo;
  $('title').textContent = `${info.model}: latent-space explorer`;
  if (info.error !== undefined) return fail(info.error);
  state.backend = await chooseBackend();
  $('backend').textContent = `decoding in the browser on tfjs's ${state.backend} backend`;

  const decoder = await tf.loadLayersModel(info.decoderUrl);
  const inputWidth = decoder.inputs[0]?.shape[1];
  if (inputWidth !== info.latentWidth) {
    return fail(
      `the decoder takes ${String(inputWidth)} inputs but the codes have ${info.latentWidth} dimensions: it cannot decode them`,
    );
  }
  const decode = async (code: readonly number[]): Promise<number[]> => {
    const out = tf.tidy(() => decoder.predict(tf.tensor2d([[...code]])) as tf.Tensor);
    const values = Array.from(await out.data());
    out.dispose();
    return values;
  };
  state.decode = decode;

  const canvas = $<HTMLCanvasElement>('decoded');
  const readout = $('code');
  let pending: readonly number[] | undefined;
  let busy = false;
  /** Decode `code` and draw it; while a decode runs, only the newest request is kept. */
  const show = async (code: readonly number[]): Promise<void> => {
    pending = code;
    if (busy) return;
    busy = true;
    while (pending !== undefined) {
      const next = pending;
      pending = undefined;
      const values = await decode(next);
      state.code = [...next];
      state.decoded = values;
      readout.textContent = `z = (${next.map((v) => v.toFixed(2)).join(', ')})`;
      if (info.image !== null) draw(canvas, values, info.image);
      else readout.textContent += ` → x = (${values.map((v) => v.toFixed(3)).join(', ')})`;
      canvas.dataset['version'] = String(Number(canvas.dataset['version'] ?? '0') + 1);
    }
    busy = false;
  };

  // Sliders, one per dimension (wider codes), kept in step with every other control.
  const sliders: HTMLInputElement[] = [];
  if (info.latentWidth > 2) {
    const box = $('sliders');
    box.hidden = false;
    info.ranges.forEach(([lo, hi], d) => {
      const label = document.createElement('label');
      label.textContent = `z${d + 1} `;
      const input = document.createElement('input');
      Object.assign(input, {
        type: 'range',
        min: String(lo),
        max: String(hi),
        step: String((hi - lo) / 200),
      });
      input.value = String((lo + hi) / 2);
      input.dataset['dim'] = String(d);
      input.addEventListener('input', () => void show(sliders.map((s) => Number(s.value))));
      label.append(input);
      box.append(label);
      sliders.push(input);
    });
  }
  const setCode = (code: readonly number[]): Promise<void> => {
    code.forEach((v, d) => {
      const s = sliders[d];
      if (s !== undefined) s.value = String(v);
    });
    return show(code);
  };

  // The scatter with a draggable point (2-D codes).
  if (info.latentWidth === 2 && info.scatter !== undefined) {
    const box = $('scatter-box');
    box.hidden = false;
    const host = $('scatter');
    const { view } = await embed(host, info.scatter, { actions: false, renderer: 'svg' });
    const marker = $('marker');
    const svg = host.querySelector('svg');
    const xScale = view.scale('x') as ((v: number) => number) & { invert: (p: number) => number };
    const yScale = view.scale('y') as ((v: number) => number) & { invert: (p: number) => number };
    const place = (z: readonly number[]): void => {
      if (svg === null) return;
      const [ox, oy] = view.origin();
      const plot = svg.getBoundingClientRect();
      const frame = box.getBoundingClientRect();
      marker.style.left = `${plot.left - frame.left + ox + xScale(z[0] ?? 0)}px`;
      marker.style.top = `${plot.top - frame.top + oy + yScale(z[1] ?? 0)}px`;
      marker.hidden = false;
    };
    const toCode = (e: PointerEvent): number[] | undefined => {
      if (svg === null) return undefined;
      const [ox, oy] = view.origin();
      const plot = svg.getBoundingClientRect();
      return [xScale.invert(e.clientX - plot.left - ox), yScale.invert(e.clientY - plot.top - oy)];
    };
    let dragging = false;
    const move = (e: PointerEvent): void => {
      const z = toCode(e);
      if (z === undefined) return;
      place(z);
      void show(z);
    };
    box.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      dragging = true;
      box.setPointerCapture(e.pointerId);
      move(e);
    });
    box.addEventListener('pointermove', (e) => {
      if (dragging) move(e);
    });
    box.addEventListener('pointerup', () => {
      dragging = false;
    });
    const start = info.test.codes[0] ?? [0, 0];
    place(start);
    await show(start);
  } else {
    await setCode(info.ranges.map(([lo, hi]) => (lo + hi) / 2));
  }

  // Interpolation between two encoded test images.
  const n = info.test.codes.length;
  if (n >= 2) {
    $('interpolation').hidden = false;
    const a = $<HTMLInputElement>('from');
    const b = $<HTMLInputElement>('to');
    const t = $<HTMLInputElement>('t');
    a.max = b.max = String(n - 1);
    b.value = String(
      Math.min(
        n - 1,
        info.test.labels.findIndex((l) => l !== info.test.labels[0]),
      ),
    );
    const endpoints = (): void => {
      if (info.image === null) return;
      draw($<HTMLCanvasElement>('from-image'), info.test.images[Number(a.value)] ?? [], info.image);
      draw($<HTMLCanvasElement>('to-image'), info.test.images[Number(b.value)] ?? [], info.image);
    };
    const interpolate = (): void => {
      const za = info.test.codes[Number(a.value)] ?? [];
      const zb = info.test.codes[Number(b.value)] ?? [];
      const w = Number(t.value);
      void setCode(za.map((v, d) => (1 - w) * v + w * (zb[d] ?? 0)));
    };
    for (const input of [a, b]) input.addEventListener('input', () => (endpoints(), interpolate()));
    t.addEventListener('input', interpolate);
    endpoints();
  }
  state.ready = true;
  document.body.dataset['ready'] = 'true';
};

main().catch((e: unknown) => fail(`the explorer failed: ${e instanceof Error ? e.message : String(e)}`));
