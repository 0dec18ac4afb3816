/**
 * The report page's script (bundled into `dist/web/report.js` by `web/build.mjs`, inlined into
 * every `report.html`): embed each chart spec of the page's JSON block with vega-embed, and make
 * the epoch sliders switch frames. Charts in hidden frames are embedded when first shown, so a long
 * run's page opens quickly.
 *
 * When it is done the body carries `data-charts="<n embedded>"` (or `data-error`), which the browser
 * tests wait for.
 */
import embed from 'vega-embed';
import type { VisualizationSpec } from 'vega-embed';

const specs = JSON.parse(document.getElementById('saddle-charts')?.textContent ?? '{}') as Record<
  string,
  VisualizationSpec
>;
const embedded = new Set<string>();

const showError = (message: string): void => {
  const el = document.getElementById('saddle-error');
  if (el !== null) {
    el.textContent = message;
    el.hidden = false;
  }
  document.body.dataset['error'] = message;
};

/** Embed every chart inside `root` not embedded yet. */
const embedIn = async (root: ParentNode): Promise<void> => {
  const pending: Promise<unknown>[] = [];
  for (const el of root.querySelectorAll<HTMLElement>('[data-chart]')) {
    const id = el.dataset['chart'] ?? '';
    const frame = el.closest('[data-frame]');
    if (embedded.has(id) || (frame !== null && !frame.classList.contains('shown'))) continue;
    const spec = specs[id];
    if (spec === undefined) continue;
    embedded.add(id);
    pending.push(
      embed(el, spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        renderer: 'svg',
      }),
    );
  }
  await Promise.all(pending);
};

for (const slider of document.querySelectorAll<HTMLInputElement>('input[data-slider]')) {
  const id = slider.dataset['slider'] ?? '';
  const frames = document.getElementById(id);
  const label = document.querySelector(`[data-slider-label="${id}"]`);
  slider.addEventListener('input', () => {
    if (frames === null) return;
    for (const f of frames.querySelectorAll<HTMLElement>(':scope > [data-frame]')) {
      const shown = f.dataset['frame'] === slider.value;
      f.classList.toggle('shown', shown);
      if (shown && label !== null) label.textContent = f.dataset['label'] ?? '';
    }
    embedIn(frames).catch((e: unknown) => showError(`a chart failed to render: ${String(e)}`));
  });
}

embedIn(document)
  .then(() => {
    document.body.dataset['charts'] = String(embedded.size);
  })
  .catch((e: unknown) => showError(`a chart failed to render: ${String(e)}`));
