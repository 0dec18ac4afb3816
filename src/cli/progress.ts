/**
 * Training progress: a one-line bar redrawn in place on a terminal, plain log lines otherwise
 * (CI logs, pipes), so the output reads well in both.
 *
 * @module
 */

export interface ProgressState {
  readonly iteration: number;
  readonly total: number;
  readonly epoch: number;
  readonly losses: Readonly<Record<string, number>>;
}

export interface Progress {
  update(state: ProgressState): void;
  /** Print a line above the bar (pictures written, checkpoint saved). */
  note(line: string): void;
  done(): void;
}

const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(r).padStart(2, '0')}s`
      : `${r}s`;
};

const formatLoss = (v: number): string =>
  !Number.isFinite(v)
    ? String(v)
    : Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0)
      ? v.toExponential(2)
      : v.toFixed(3);

export const formatLosses = (losses: Readonly<Record<string, number>>): string =>
  Object.entries(losses)
    .map(([k, v]) => `${k} ${formatLoss(v)}`)
    .join('  ');

/**
 * A progress reporter for `stream`: a redrawn bar when it is a TTY and `CI` is unset, plain lines
 * otherwise. `now` is injectable for tests.
 */
export const createProgress = (
  stream: NodeJS.WriteStream,
  options: { readonly startIteration: number; readonly now?: () => number } = { startIteration: 0 },
): Progress => {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const interactive = stream.isTTY === true && process.env['CI'] === undefined;
  let drawn = false;
  const rate = (iteration: number): number =>
    (iteration - options.startIteration) / Math.max(1e-9, (now() - start) / 1000);

  const line = (s: ProgressState): string => {
    const r = rate(s.iteration);
    const eta = (s.total - s.iteration) / r;
    return `${s.iteration}/${s.total}  epoch ${s.epoch}  ${r.toFixed(r < 10 ? 2 : 1)} it/s  eta ${formatDuration(eta)}  ${formatLosses(s.losses)}`;
  };

  return {
    update(s) {
      if (!interactive) {
        stream.write(`${line(s)}\n`);
        return;
      }
      const width = Math.max(10, Math.min(30, (stream.columns ?? 100) - 90));
      const filled = Math.round((width * s.iteration) / Math.max(1, s.total));
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
      const text = `${bar} ${line(s)}`.slice(0, Math.max(20, (stream.columns ?? 120) - 1));
      stream.write(`\r\x1b[2K${text}`);
      drawn = true;
    },
    note(text) {
      if (interactive && drawn) stream.write('\r\x1b[2K');
      stream.write(`${text}\n`);
      drawn = false;
    },
    done() {
      if (interactive && drawn) stream.write('\n');
      drawn = false;
    },
  };
};
