/**
 * Durable file writes: what a crash (SIGKILL, power loss) at any instant may leave behind is either
 * the old file or the complete new one, never a torn mix.
 *
 * A file is written under a temporary name in the same directory, fsync'ed, renamed over its final
 * name, and the directory is fsync'ed so the rename itself survives a power loss. A failed write
 * (a full disk, a read-only directory) removes its temporary file and leaves the old file alone.
 *
 * The test hook `SADDLE_TEST_SLOW_WRITE_MS` (environment) makes every durable write announce itself
 * on stderr and pause halfway through its bytes, so the fault-injection tests can SIGKILL a process
 * inside a checkpoint write on purpose rather than by luck. It is read per write and costs nothing
 * when unset.
 *
 * @module
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/** The environment variable of the test hook (milliseconds to pause inside each durable write). */
export const SLOW_WRITE_ENV = 'SADDLE_TEST_SLOW_WRITE_MS';

/** Block the thread (a write is synchronous, so the pause must be too). */
const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

const slowWriteMs = (): number => {
  const raw = process.env[SLOW_WRITE_ENV];
  const ms = raw === undefined ? 0 : Number(raw);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
};

const writeAll = (fd: number, bytes: Uint8Array, from: number, to: number): void => {
  let written = from;
  while (written < to) written += writeSync(fd, bytes, written, to - written);
};

/** fsync a file or directory by path; directories cannot be opened for it on some platforms. */
export const syncPath = (path: string): void => {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return; // Windows cannot open a directory; its renames are still done.
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories (EINVAL); there is nothing more to make durable.
  } finally {
    closeSync(fd);
  }
};

/**
 * Write `data` to `path` so that a crash leaves the old content or the new, never a mix: a
 * temporary file, fsync, rename, directory fsync. Errors (ENOSPC, EACCES, ...) propagate after the
 * temporary file is removed.
 */
export const writeDurably = (path: string, data: Uint8Array | string): void => {
  const temp = `${path}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const pause = slowWriteMs();
  try {
    const fd = openSync(temp, 'w');
    try {
      if (pause > 0) {
        const half = Math.floor(bytes.byteLength / 2);
        writeAll(fd, bytes, 0, half);
        process.stderr.write(`saddle-test: writing ${basename(path)}\n`);
        sleepSync(pause);
        writeAll(fd, bytes, half, bytes.byteLength);
      } else {
        writeAll(fd, bytes, 0, bytes.byteLength);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw withPath(e, path);
  }
  syncPath(dirname(path));
};

/**
 * `e` naming `path` if it names no file (a failed `write` on a descriptor does not), so the message
 * says which file could not be written.
 */
export const withPath = (e: unknown, path: string): unknown => {
  if (e instanceof Error && (e as NodeJS.ErrnoException).path === undefined) {
    (e as NodeJS.ErrnoException).path = path;
  }
  return e;
};

/**
 * A file-system failure a user can act on (a full disk, no permission, a read-only file system),
 * as one line: what was being written, and the system's reason. `undefined` for anything else.
 */
export const describeWriteFailure = (e: unknown): string | undefined => {
  if (!(e instanceof Error)) return undefined;
  const { code, path } = e as NodeJS.ErrnoException;
  const reasons: Readonly<Record<string, string>> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only file system',
    EIO: 'input/output error',
  };
  const reason = code === undefined ? undefined : reasons[code];
  if (reason === undefined) return undefined;
  const where = path === undefined ? '' : ` ${path.replace(/\.tmp-\d+$/, '')}`;
  return `cannot write${where}: ${reason} (${code})`;
};
