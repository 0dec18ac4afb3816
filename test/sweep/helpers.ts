import { createServer } from 'node:net';

/** A loopback port free at the time of asking: bound to port 0, then released. */
export const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
};

/**
 * A quick sweep's arguments: the zoo AAE (hidden 16) on 9×9 tiny digits, batch 50, on the cpu
 * backend (deterministic: the same seed gives the same numbers in any process), then `more` (words
 * separated by spaces).
 */
export const tinySweep = (more: string): string[] => [
  ...'sweep aae --data tiny --backend cpu --batch-size 50'.split(' '),
  ...more.trim().split(/\s+/),
];
