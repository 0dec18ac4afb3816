/**
 * One writer per run directory: `saddle train` holds `<dir>/train.lock` (its pid) while it runs, so
 * a second process on the same directory is refused instead of interleaving checkpoints and metrics.
 *
 * The lock is created with an exclusive link (atomic on every POSIX file system, NFS included): a
 * temporary file holding the pid is hard-linked to the lock's name, which fails if the name exists.
 * A lock whose process is gone (a SIGKILL, a power loss) is stale; it is taken over and the caller
 * is told, since a dead writer may have left a half-written checkpoint behind (the reader passes
 * over it).
 *
 * @module
 */
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'train.lock';

/**
 * Another live process holds the run directory.
 *
 * @example
 * try { const lock = acquireLock('runs/aae'); lock.release(); }
 * catch (e) { if (e instanceof LockedError) console.error(e.message); }   // runs/aae is in use by process 1234 ...
 */
export class LockedError extends Error {
  override readonly name = 'LockedError';
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(
      `${path} is held by process ${pid}, which is still running: another saddle train is writing this run directory ` +
        `(wait for it, stop it, or choose another --out DIR; delete ${path} only if no saddle process ${pid} exists)`,
    );
  }
}

/** A held lock. */
export interface Lock {
  readonly path: string;
  /** The pid of a dead process whose stale lock was taken over, if any. */
  readonly tookOverFrom: number | undefined;
  /** Remove the lock (idempotent). */
  release(): void;
}

/** Whether `pid` names a live process (EPERM: alive, but another user's). */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const holderOf = (path: string): number | undefined => {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim().split(/\s+/)[0]);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** Create `path` holding our pid, failing with EEXIST if it exists. */
const createExclusively = (path: string): boolean => {
  const temp = `${path}.${process.pid}`;
  writeFileSync(temp, `${process.pid}\n`);
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(temp, { force: true });
  }
};

/**
 * Take `dir`'s lock (the directory must exist), or throw `LockedError` naming the live holder. A
 * stale lock (its process is gone, or it holds no pid) is taken over; `tookOverFrom` says whose.
 *
 * @example
 * const lock = acquireLock('runs/aae');
 * if (lock.tookOverFrom !== undefined) console.warn(`took over the lock of dead process ${lock.tookOverFrom}`);
 * try { await train(); } finally { lock.release(); }
 */
export const acquireLock = (dir: string): Lock => {
  const path = join(dir, LOCK_FILE);
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusively(path)) {
      let released = false;
      return {
        path,
        tookOverFrom,
        release: () => {
          if (released) return;
          released = true;
          if (holderOf(path) === process.pid) rmSync(path, { force: true });
        },
      };
    }
    const holder = holderOf(path);
    if (holder !== undefined && holder !== process.pid && alive(holder)) throw new LockedError(path, holder);
    // Stale: move it aside under a name of our own (atomic; of two racing takers only one moves it).
    const aside = `${path}.stale-${process.pid}`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    const moved = holderOf(aside);
    if (moved !== undefined && moved !== holder && alive(moved)) {
      // A racing taker's fresh lock was moved instead: put it back and let it win.
      renameSync(aside, path);
      throw new LockedError(path, moved);
    }
    rmSync(aside, { force: true });
    tookOverFrom = holder ?? 0;
  }
  throw new LockedError(path, holderOf(path) ?? 0);
};
