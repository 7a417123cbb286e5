import cliProgress from 'cli-progress';

/** A progress bar on a terminal; silent elsewhere (pipes, CI logs). */
export function progressBar(tty: boolean, label: string) {
  if (!tty) return { update: (_f: number | null, _rows: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {rows} rows | {eta_formatted}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stopped = false;
  return {
    update(fraction: number | null, rows: number) {
      if (stopped) return;
      const value = Math.round(Math.min(1, fraction ?? 0) * 1000);
      if (!started) {
        bar.start(1000, value, { rows });
        started = true;
      } else bar.update(value, { rows });
    },
    stop() {
      if (started && !stopped) bar.stop();
      stopped = true;
    },
  };
}

/** Runs long work with a progress bar on a terminal, and takes the bar away however the work ends. */
export async function withProgress<T>(tty: boolean, label: string, work: (bar: ReturnType<typeof progressBar>) => Promise<T>): Promise<T> {
  const bar = progressBar(tty, label);
  try {
    return await work(bar);
  } finally {
    bar.stop();
  }
}
