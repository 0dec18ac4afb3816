/**
 * Tables as Vega-Lite specs: metric rows against columns (saddle's figure and the paper's, or one
 * column per run), so an evaluation renders as a picture in Node and as a chart in the page with
 * the same layout.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

/**
 * One cell of a table: its row (a metric), its column and the text shown.
 *
 * @example
 * const cell: TableCell = { row: 'Parzen LL (nats)', column: 'saddle', text: '171.4 ± 1.2' };
 */
export interface TableCell {
  readonly row: string;
  readonly column: string;
  readonly text: string;
}

/**
 * The spec of a text table: rows in the order first given, columns likewise, headers on top.
 *
 * @example
 * import { renderSvg, tableSpec } from 'saddle/report';
 * const spec = tableSpec([
 *   { row: 'Parzen LL', column: 'saddle', text: '171.4 ± 1.2' },
 *   { row: 'Parzen LL', column: 'paper', text: '340 ± 2' },
 * ], { title: 'aae on MNIST' });
 * writeFileSync('eval.svg', await renderSvg(spec));
 */
export const tableSpec = (
  cells: readonly TableCell[],
  options: { readonly title?: string; readonly columnWidth?: number } = {},
): TopLevelSpec => {
  const rows = [...new Set(cells.map((c) => c.row))];
  const columns = [...new Set(cells.map((c) => c.column))];
  const columnWidth = options.columnWidth ?? 170;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? 'metrics',
    config: { font: 'DejaVu Sans, Verdana, sans-serif', view: { stroke: null } },
    width: columnWidth * columns.length,
    height: 24 * rows.length,
    data: { values: cells.map((c) => ({ ...c })) },
    mark: { type: 'text', fontSize: 12, align: 'center' },
    encoding: {
      x: {
        field: 'column',
        type: 'ordinal',
        sort: columns,
        title: null,
        axis: {
          orient: 'top',
          labelAngle: 0,
          labelFontWeight: 'bold',
          labelFontSize: 12,
          domain: false,
          ticks: false,
        },
      },
      y: {
        field: 'row',
        type: 'ordinal',
        sort: rows,
        title: null,
        axis: { labelFontSize: 12, domain: false, ticks: false, labelLimit: 260 },
      },
      text: { field: 'text', type: 'nominal' },
    },
  } as TopLevelSpec;
};
