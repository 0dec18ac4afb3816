/**
 * fast-check's seed policy. Locally every run draws new seeds, so property tests keep exploring
 * (a failure prints its seed). In CI (`CI` set) every property replays one fixed seed, so a landing
 * is decided by the code, not by the luck of the draw; `FC_SEED=<n>` replays any seed anywhere.
 */
import fc from 'fast-check';

const CI_SEED = 20261121;
const fromEnv = process.env['FC_SEED'];
const seed =
  fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : process.env['CI'] ? CI_SEED : undefined;
if (seed !== undefined && Number.isFinite(seed)) fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
