import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { appError } from '../i18n/problem.ts';
import { join } from 'node:path';
import { AppError, ErrorCode } from '../errors/app-error.ts';

/**
 * PGlite does not lock its data folder, and two processes writing one folder corrupt it.
 * An exclusive lock file (created with O_EXCL) holds the folder for one process; a lock left by
 * a process that no longer runs is taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'pathways.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw appError(ErrorCode.DataDirLocked, 'dataDirInUse', { dir, pid: holder }, { pid: holder, dir });
      }
      if (holder === process.pid) {
        throw appError(ErrorCode.DataDirLocked, 'dataDirOpenHere', { p1: dir });
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw appError(ErrorCode.DataDirLocked, 'dataDirLockFailed', { p1: dir });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
