import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormattedMessage } from 'react-intl';
import type { components } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { PageHeader } from '../ui/status.tsx';
import { useLabel } from '../sponsorship/sponsorship.api.ts';
import { MessagesThread, Refusal, RolesTable } from '../sponsorship/sponsorship.parts.tsx';
import { taskLabel } from '../sponsorship/sponsorships.page.tsx';
import { NotReady } from '../ui/page-state.tsx';

type Task = components['schemas']['SponsorPortalTask'];
type Household = components['schemas']['CaseView'] & { phases?: string[] };
type Member = NonNullable<components['schemas']['CaseView']['members']>[number];

/**
 * The sponsor's portal: its own record, the households it supports — only the fields its phases
 * allow, as the API gives them (an absent field is not shown) — its tasks (it marks its own done),
 * who does what in each phase, and the messages with the state (P 15, P 17). A household whose
 * sponsorship ended or broke down is gone from here at once.
 */
export function SponsorPortalPage() {
  const { t, label } = useLabel();
  const client = useQueryClient();
  const portal = useQuery({ queryKey: ['portal', 'me'], queryFn: async () => (await api.GET('/api/sponsor')).data! });
  const households = useQuery({
    queryKey: ['portal', 'households'],
    queryFn: async () => (await api.GET('/api/households', { params: { query: { limit: 100 } } })).data!.cases as Household[],
  });
  const tasks = useQuery({ queryKey: ['portal', 'tasks'], queryFn: async () => (await api.GET('/api/sponsor/tasks')).data!.tasks });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const done = async (task: Task) => {
    setBusy(task.id);
    setError(null);
    try {
      await api.POST('/api/sponsor/tasks/{id}/done', {
        params: { path: { id: task.id }, header: { 'Idempotency-Key': crypto.randomUUID() } },
      });
      await client.invalidateQueries({ queryKey: ['portal'] });
      document.getElementById(`task-${task.id}-state`)?.focus();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const waiting = [portal, households, tasks].find((q) => q.status !== 'success');
  if (waiting) return <NotReady query={waiting} />;
  const mine = portal.data!;
  const households_ = households.data!;
  const tasks_ = tasks.data!;
  const me = mine.sponsor;

  const memberColumns = (shown: Set<string>): Column<Member>[] =>
    [
      { key: 'personRef', header: <FormattedMessage id="portal.member.ref" />, value: (m: Member) => m.personRef ?? null },
      { key: 'relationship', header: <FormattedMessage id="portal.member.relationship" />, value: (m: Member) => m.relationship ?? null },
      { key: 'sex', header: <FormattedMessage id="portal.member.sex" />, value: (m: Member) => m.sex ?? null },
      { key: 'birthYear', header: <FormattedMessage id="portal.member.birthYear" />, value: (m: Member) => m.birthYear ?? null },
      {
        key: 'needs',
        header: <FormattedMessage id="portal.member.needs" />,
        value: (m: Member) => (m.needs ?? []).map((n) => label('need', n.type)).join(', ') || null,
      },
      { key: 'arrivedOn', header: <FormattedMessage id="portal.member.arrivedOn" />, value: (m: Member) => m.arrivedOn ?? null },
    ].filter((c) => shown.has(c.key));

  const taskColumns: Column<Task>[] = [
    { key: 'case', header: <FormattedMessage id="portal.tasks.household" />, value: (x) => x.caseRef },
    { key: 'phase', header: <FormattedMessage id="sponsorship.tasks.phase" />, value: (x) => label('phase', x.phase) },
    { key: 'task', header: <FormattedMessage id="sponsorship.tasks.task" />, value: (x) => taskLabel(label, x.task) },
    { key: 'holder', header: <FormattedMessage id="sponsorship.tasks.holder" />, value: (x) => label('holder', x.holder) },
    {
      key: 'done',
      header: <FormattedMessage id="sponsorship.tasks.done" />,
      fixed: true,
      value: (x) => x.doneAt,
      render: (x) =>
        x.doneAt ? (
          <span id={`task-${x.id}-state`} tabIndex={-1}>
            {t('portal.tasks.doneOn', { on: x.doneAt.slice(0, 10) })}
          </span>
        ) : x.holder === 'sponsor' ? (
          <button type="button" className="button-secondary" disabled={busy === x.id} onClick={() => void done(x)}>
            {t('portal.tasks.markDone', { task: taskLabel(label, x.task) })}
          </button>
        ) : (
          t('sponsorship.tasks.open')
        ),
    },
  ];

  return (
    <>
      <PageHeader title={<FormattedMessage id="portal.title" />} />
      {me ? (
        <p className="lead">
          <FormattedMessage id="portal.lead" values={{ name: me.name, status: label('status', me.status) }} />
        </p>
      ) : (
        <p className="lead">
          <FormattedMessage id="portal.notRecorded" />
        </p>
      )}
      <section aria-labelledby="portal-households">
        <h2 id="portal-households">
          <FormattedMessage id="portal.households.title" />
        </h2>
        {households_.length === 0 ? (
          <p>
            <FormattedMessage id="portal.households.none" />
          </p>
        ) : (
          households_.map((h) => {
            const members = h.members ?? [];
            const shown = new Set(members.flatMap((m) => Object.keys(m)));
            const sponsorship = mine.sponsorships.find((s) => s.caseRef === h.caseRef);
            return (
              <article key={`${h.stateCode}-${h.caseRef}`} className="panel" aria-labelledby={`household-${h.caseRef}`}>
                <h3 id={`household-${h.caseRef}`}>{t('portal.household', { ref: h.caseRef ?? '', persons: h.persons ?? 0 })}</h3>
                <p>{t('portal.household.phases', { phases: (h.phases ?? []).map((p) => label('phase', p)).join(', ') })}</p>
                {h.status && <p>{t('portal.household.status', { status: t(`cases.status.${h.status}`) })}</p>}
                {members.length > 0 && (
                  <DataTable
                    caption={t('portal.members.caption', { ref: h.caseRef ?? '' })}
                    columns={memberColumns(shown)}
                    rows={members}
                    rowKey={(m) => m.personRef ?? JSON.stringify(m)}
                  />
                )}
                {sponsorship?.roles && (
                  <RolesTable
                    roles={sponsorship.roles}
                    phases={sponsorship.phases}
                    caption={t('portal.roles.caption', { ref: h.caseRef ?? '' })}
                  />
                )}
                {sponsorship && <MessagesThread sponsorshipId={sponsorship.id} canWrite />}
              </article>
            );
          })
        )}
      </section>
      <section aria-labelledby="portal-tasks">
        <h2 id="portal-tasks">
          <FormattedMessage id="portal.tasks.title" />
        </h2>
        {error !== null && <Refusal error={error} />}
        {tasks_.length === 0 ? (
          <p>
            <FormattedMessage id="portal.tasks.none" />
          </p>
        ) : (
          <DataTable caption={t('portal.tasks.caption')} columns={taskColumns} rows={tasks_} rowKey={(x) => String(x.id)} />
        )}
      </section>
    </>
  );
}
