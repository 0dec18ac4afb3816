/**
 * A small trained run for the report and browser tests: a 2-D adversarial autoencoder on the 9×9
 * tiny digits, trained a few dozen steps on the cpu backend by `saddle train` itself, so it holds
 * everything a real run does (pictures, chart specs, checkpoint, exported nets, report.html).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeModel } from '../../src/dsl/codec.js';
import { aaeDefaults, buildAae } from '../../src/zoo/aae.js';
import { saddle } from '../cli/helpers.js';

/** Build the page scripts (`dist/web/`) as `npm run build` does: tests never use a stale bundle. */
export const buildPages = (): void => {
  execFileSync(process.execPath, [fileURLToPath(new URL('../../web/build.mjs', import.meta.url))], {
    stdio: 'inherit',
  });
};

/** Train a tiny AAE with `latent`-dimensional codes for `steps` steps (two epochs' pictures); returns its directory. */
export const trainTinyRun = async (latent = 2, steps = 40): Promise<string> => {
  const tmp = mkdtempSync(join(tmpdir(), 'saddle-report-'));
  const spec = join(tmp, 'tiny-aae.json');
  writeFileSync(
    spec,
    JSON.stringify(encodeModel(buildAae({ ...aaeDefaults, hidden: 16, latent }, { x: [81], classes: 10 }))),
  );
  const out = join(tmp, 'run');
  const flags = `--data tiny --backend cpu --batch-size 250 --seed 3 --every 5 --steps ${steps}`;
  const r = await saddle('train', spec, ...flags.split(' '), '--out', out);
  if (r.code !== 0) throw new Error(`training the fixture run failed:\n${r.stdout}\n${r.stderr}`);
  return out;
};
