import { useQuery } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import { authRequest } from '../api/client.ts';

/**
 * A person or the command line as the pages name them: by name, never by the trail's internal id
 * (`user:3`, `cli:root`), which stays in the hover title and in the downloads. Names come from the
 * identity feature (`GET /api/auth/names`), asked once for all the names a page shows at a time.
 */
let queued = new Map<string, ((name: string | null) => void)[]>();
let flushScheduled = false;

function flush() {
  const batch = queued;
  queued = new Map();
  flushScheduled = false;
  const ids = [...batch.keys()];
  for (let i = 0; i < ids.length; i += 100) {
    const part = ids.slice(i, i + 100);
    authRequest<{ names: Record<string, string> }>(`/names?ids=${encodeURIComponent(part.join(','))}`)
      .then(({ names }) => answer(batch, part, names))
      .catch(() => answer(batch, part, {}));
  }
}

function answer(batch: Map<string, ((name: string | null) => void)[]>, ids: string[], names: Record<string, string>) {
  for (const id of ids) for (const resolve of batch.get(id)!) resolve(names[id] ?? null);
}

const nameOf = (id: string): Promise<string | null> =>
  new Promise((resolve) => {
    queued.set(id, [...(queued.get(id) ?? []), resolve]);
    if (!flushScheduled) {
      flushScheduled = true;
      setTimeout(flush, 0);
    }
  });

/** How a page says an actor, once known: a user's display name, the command line's user with "(command line)", else something neutral — never the id. */
export function useActorName(id: string | null | undefined): string {
  const intl = useIntl();
  const isUser = !!id && /^user:\d+$/.test(id);
  const name = useQuery({ queryKey: ['actor-name', id], queryFn: () => nameOf(id!), enabled: isUser, staleTime: 10 * 60_000 });
  if (!id) return '—';
  const cli = /^cli:(.+)$/.exec(id);
  if (cli) return intl.formatMessage({ id: 'actor.commandLine' }, { user: cli[1] });
  if (isUser) return name.data ?? intl.formatMessage({ id: name.isPending ? 'actor.loading' : 'actor.unknown' });
  if (id === 'system' || id.startsWith('system:')) return intl.formatMessage({ id: 'actor.system' });
  return id;
}

/** An actor by name, the id in the title (hover). */
export function Actor({ id }: { id: string | null | undefined }) {
  const name = useActorName(id);
  return (
    <span title={id ?? undefined} data-actor={id ?? undefined}>
      {name}
    </span>
  );
}
