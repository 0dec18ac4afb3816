import { parityTest } from './check.js';

parityTest('cpu');
