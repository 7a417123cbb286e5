import { linkSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { appError } from '../i18n/problem.ts';
import { join } from 'node:path';
import { ErrorCode } from '../errors/app-error.ts';

/** Who holds a lock: the process, when it started (clock ticks since boot), which boot, and which instance. */
export interface LockHolder {
  pid: number;
  /** Field 22 of /proc/PID/stat (start time in clock ticks after boot); null where /proc is absent. */
  start: string | null;
  /** /proc/sys/kernel/random/boot_id; null where absent. */
  boot: string | null;
  /** A random nonce of the process instance that wrote it: a new process with the same PID has another. */
  nonce: string;
}

/** This process instance: its nonce lives in memory only, so a restarted process (same PID 1 in a container) differs. */
const SELF: LockHolder = { pid: process.pid, start: processStart(process.pid), boot: bootId(), nonce: randomBytes(12).toString('hex') };

/** A takeover mutex older than this is left by a process that died inside the few statements it guards. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * PGlite does not lock its data folder, and two processes writing one folder corrupt it.
 * An exclusive lock file (written whole, then hard-linked into place: link() fails if it exists) holds the folder for one process. It names the holder
 * by PID, process start time, boot id and a random nonce of the process instance, so that a lock
 * left by a process that no longer runs — or by an earlier process that had the same PID, as PID 1
 * of a restarted container — is recognised as stale. A stale lock is taken over only under a
 * takeover mutex (an atomic mkdir), after reading it again: of several processes starting at once
 * on a stale lock exactly one wins.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'pathways.lock');
  const mutex = `${path}.takeover`;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (tryCreate(path)) return releaser(path);
    // The lock exists: in use (refused), or stale (taken over under the mutex, after a second look).
    const holder = readHolder(path);
    if (holder !== 'gone') refuseIfLive(dir, holder);
    if (!takeMutex(mutex)) {
      sleep(5 + Math.floor(Math.random() * 10));
      continue;
    }
    try {
      const again = readHolder(path);
      if (again === 'gone') continue; // removed meanwhile: try the plain create again
      refuseIfLive(dir, again);
      rmSync(path, { force: true });
      if (tryCreate(path)) return releaser(path);
    } finally {
      rmdirSync(mutex);
    }
  }
  throw appError(ErrorCode.DataDirLocked, 'dataDirLockFailed', { p1: dir });
}

/** Writes our lock beside the lock file, complete, and links it into place: the lock never exists half-written. */
function tryCreate(path: string): boolean {
  const temp = `${path}.${SELF.nonce}`;
  writeFileSync(temp, `${JSON.stringify(SELF)}\n`, { mode: 0o600 });
  try {
    linkSync(temp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(temp, { force: true });
  }
}

function releaser(path: string): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    // Only our own lock is removed: never one a later process took over.
    const holder = readHolder(path);
    if (holder !== 'gone' && holder?.nonce === SELF.nonce) rmSync(path, { force: true });
  };
}

function takeMutex(mutex: string): boolean {
  try {
    mkdirSync(mutex);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(mutex).mtimeMs > TAKEOVER_STALE_MS) rmdirSync(mutex);
    } catch {
      // removed by its holder meanwhile
    }
    return false;
  }
}

/** The lock's holder; null for a lock that names none (empty or unreadable: a crash while writing it); 'gone' if there is no lock. */
function readHolder(path: string): LockHolder | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  return parseHolder(text);
}

export function parseHolder(text: string): LockHolder | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), start: null, boot: null, nonce: '' }; // the format before issue 19
  try {
    const h = JSON.parse(trimmed) as Partial<LockHolder>;
    if (typeof h.pid !== 'number' || !Number.isInteger(h.pid)) return null;
    return { pid: h.pid, start: h.start ?? null, boot: h.boot ?? null, nonce: h.nonce ?? '' };
  } catch {
    return null;
  }
}

/** Refuses when the holder still runs; returns when the lock is stale. */
function refuseIfLive(dir: string, holder: LockHolder | null): void {
  if (!holder) return; // names no holder: never written whole (locks are linked into place complete), so stale
  if (holder.pid === SELF.pid) {
    // Same PID: this instance, or an earlier process that had our PID (a restarted container's PID 1).
    if (holder.nonce === SELF.nonce) throw appError(ErrorCode.DataDirLocked, 'dataDirOpenHere', { p1: dir });
    return;
  }
  if (isLive(holder)) throw appError(ErrorCode.DataDirLocked, 'dataDirInUse', { dir, pid: holder.pid }, { pid: holder.pid, dir });
}

/** Whether the process that wrote the lock still runs: its PID runs, on this boot, and started when the lock says. */
export function isLive(holder: LockHolder): boolean {
  if (!isRunning(holder.pid)) return false;
  if (holder.boot && SELF.boot && holder.boot !== SELF.boot) return false;
  if (holder.start) {
    const now = processStart(holder.pid);
    if (now !== null && now !== holder.start) return false;
  }
  return true;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/PID/stat (after the command name in parentheses, which may hold spaces). */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // fields from the 3rd on: the 22nd is at index 19
  } catch {
    return null;
  }
}

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** This process instance's identity, as its locks name it (tests). */
export const lockHolderOfThisProcess = (): LockHolder => ({ ...SELF });
