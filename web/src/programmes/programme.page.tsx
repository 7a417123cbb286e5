import { Link, useParams } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { stateName } from '../admin/states.ts';
import { signedIn, useMe, type User } from '../api/session.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { Field } from '../ui/field.tsx';
import { formatCount, formatDay } from '../ui/format.ts';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import { useMoveProgramme, useProgramme, useRecordCondition, type Programme, type ProgrammeStatus } from './programmes.api.ts';
import { StatusBadge } from './status-badge.tsx';
import './programmes.css';
import { NotReady } from '../ui/page-state.tsx';
import { Shipped, shippedKeys, useShipped } from '../i18n/shipped.tsx';

/** A state's officers change its programmes; the Commission the EU's own. */
const mayChange = (user: User | null, p: Programme) =>
  !!user && (p.stateCode === null ? user.role === 'commission_analyst' : user.role === 'state_officer' && user.stateCode === p.stateCode);

/**
 * One programme: what it offers (criteria, places, target groups, dates, its partner and source),
 * its status with the moves possible now, and its conditions of activation met or not (the VHAS:
 * P 5(a)), each finding recorded with its day and evidence by those who run the programme.
 */
export function ProgrammePage() {
  const { code } = useParams({ strict: false }) as { code: string };
  const intl = useIntl();
  const shipped = useShipped();
  const me = useMe();
  const one = useProgramme(code);
  const user = signedIn(me.data) ? me.data.user : null;

  if (one.status !== 'success')
    return (
      <>
        <PageHeader title={code} />
        <NotReady query={one} whenIdle="notFound" />
      </>
    );
  const { programme: p, etag } = one.data;
  const editable = mayChange(user, p);
  const none = intl.formatMessage({ id: 'common.none' });
  return (
    <div className="programmes">
      <PageHeader title={<Shipped k={shippedKeys.programme(p.code, 'title')} stored={p.title} />}>
        <p>
          <Link to="/programmes">
            <FormattedMessage id="programmes.back" />
          </Link>
        </p>
      </PageHeader>
      <section className="panel" aria-labelledby="programme-facts">
        <h2 id="programme-facts">
          <FormattedMessage id="programmes.facts" />
        </h2>
        <dl className="facts" data-testid="programme-facts">
          <dt>
            <FormattedMessage id="programmes.code" />
          </dt>
          <dd>{p.code}</dd>
          <dt>
            <FormattedMessage id="common.state" />
          </dt>
          <dd>{p.stateCode ? stateName(p.stateCode, intl.locale) : <FormattedMessage id="programmes.eu" />}</dd>
          <dt>
            <FormattedMessage id="programmes.kind" />
          </dt>
          <dd>
            <FormattedMessage id={`programmes.kind.${p.kind}`} />
          </dd>
          <dt>
            <FormattedMessage id="programmes.pathway" />
          </dt>
          <dd>
            <FormattedMessage id={`cases.pathway.${p.pathway}`} />
          </dd>
          <dt>
            <FormattedMessage id="common.round" />
          </dt>
          <dd>{p.roundId ?? none}</dd>
          <dt>
            <FormattedMessage id="programmes.places" />
          </dt>
          <dd>{p.places === null ? none : formatCount(intl, p.places)}</dd>
          <dt>
            <FormattedMessage id="programmes.period" />
          </dt>
          <dd>
            {p.startDate || p.endDate
              ? `${p.startDate ? formatDay(intl, p.startDate) : '…'} – ${p.endDate ? formatDay(intl, p.endDate) : '…'}`
              : none}
          </dd>
          <dt>
            <FormattedMessage id="programmes.targetGroups" />
          </dt>
          <dd>
            {p.targetGroups.length
              ? p.targetGroups.map((g, i) => shipped.text(shippedKeys.programmeTargetGroup(p.code, i), g)).join('; ')
              : none}
          </dd>
          <dt>
            <FormattedMessage id="programmes.criteria" />
          </dt>
          <dd>{p.criteria ? <Shipped k={shippedKeys.programme(p.code, 'criteria')} stored={p.criteria} /> : none}</dd>
          {p.partner && (
            <>
              <dt>
                <FormattedMessage id="programmes.partner" />
              </dt>
              <dd>{p.partner}</dd>
            </>
          )}
          <dt>
            <FormattedMessage id="programmes.source" />
          </dt>
          <dd>{p.source ? <Shipped k={shippedKeys.programme(p.code, 'source')} stored={p.source} /> : none}</dd>
        </dl>
      </section>
      <StatusPanel programme={p} etag={etag} editable={editable} />
      {p.activation.length > 0 && <ConditionsPanel programme={p} etag={etag} editable={editable} />}
    </div>
  );
}

function StatusPanel({ programme: p, etag, editable }: { programme: Programme; etag: string; editable: boolean }) {
  const intl = useIntl();
  const move = useMoveProgramme(p.code);
  const [to, setTo] = useState<ProgrammeStatus | null>(null);
  const unmet = p.activation.filter((c) => !c.met);
  return (
    <section className="panel" aria-labelledby="programme-status">
      <h2 id="programme-status">
        <FormattedMessage id="programmes.status" />
      </h2>
      <p data-testid="programme-status">
        <StatusBadge status={p.status} />
      </p>
      {editable && p.moves.length > 0 && (
        <div className="moves">
          {p.moves.map((m) => (
            <button key={m} type="button" className="button-secondary" onClick={() => setTo(m)}>
              <FormattedMessage id={`programmes.move.${m}`} />
            </button>
          ))}
        </div>
      )}
      {p.moves.includes('active') && unmet.length > 0 && (
        <Notice kind="warning">
          <FormattedMessage id="programmes.unmetNote" values={{ count: formatCount(intl, unmet.length) }} />
        </Notice>
      )}
      {move.isError && <ErrorNotice error={move.error} />}
      <ConfirmDialog
        open={to !== null}
        title={<FormattedMessage id="programmes.moveTitle" values={{ code: p.code }} />}
        confirmLabel={to ? <FormattedMessage id={`programmes.move.${to}`} /> : ''}
        busy={move.isPending}
        onConfirm={() => to && move.mutate({ input: { to }, etag }, { onSettled: () => setTo(null) })}
        onClose={() => setTo(null)}
      >
        <p>
          {to && (
            <FormattedMessage
              id="programmes.moveText"
              values={{
                from: intl.formatMessage({ id: `programmes.status.${p.status}` }),
                to: intl.formatMessage({ id: `programmes.status.${to}` }),
              }}
            />
          )}
        </p>
      </ConfirmDialog>
    </section>
  );
}

function ConditionsPanel({ programme: p, etag, editable }: { programme: Programme; etag: string; editable: boolean }) {
  const intl = useIntl();
  return (
    <section className="panel" aria-labelledby="programme-conditions">
      <h2 id="programme-conditions">
        <FormattedMessage id="programmes.conditions" />
      </h2>
      <ul className="conditions" data-testid="conditions">
        {p.activation.map((c) => (
          <li key={c.id} className={c.met ? 'met' : 'unmet'}>
            <p>
              <strong>
                <FormattedMessage id={c.met ? 'programmes.conditionMet' : 'programmes.conditionUnmet'} />
              </strong>{' '}
              <Shipped k={shippedKeys.condition(p.code, c.id)} stored={c.label} />
            </p>
            <p className="hint">
              {c.source && <Shipped k={shippedKeys.conditionSource(p.code, c.id)} stored={c.source} />}
              {c.assessedOn && (
                <>
                  {' · '}
                  <FormattedMessage id="programmes.assessed" values={{ day: formatDay(intl, c.assessedOn), evidence: c.evidence ?? '' }} />
                </>
              )}
            </p>
            {editable && <FindingForm code={p.code} condition={c.id} met={c.met} etag={etag} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FindingForm({ code, condition, met, etag }: { code: string; condition: string; met: boolean; etag: string }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const record = useRecordCondition(code);
  const id = useId();
  const [on, setOn] = useState(new Date().toISOString().slice(0, 10));
  const [evidence, setEvidence] = useState('');
  const [value, setValue] = useState(met ? 'unmet' : 'met');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate({ input: { condition, met: value === 'met', on, evidence }, etag });
  };
  return (
    <form className="finding" onSubmit={submit} aria-label={t('programmes.recordFinding')}>
      <Field
        id={`${id}-met`}
        label={t('programmes.finding')}
        control={(p) => (
          <select {...p} value={value} onChange={(e) => setValue(e.target.value)}>
            <option value="met">{t('programmes.conditionMet')}</option>
            <option value="unmet">{t('programmes.conditionUnmet')}</option>
          </select>
        )}
      />
      <Field
        id={`${id}-on`}
        label={t('programmes.findingOn')}
        control={(p) => <input {...p} type="date" required value={on} onChange={(e) => setOn(e.target.value)} />}
      />
      <Field
        id={`${id}-evidence`}
        label={t('programmes.evidence')}
        control={(p) => (
          <input {...p} type="text" required maxLength={2000} value={evidence} onChange={(e) => setEvidence(e.target.value)} />
        )}
      />
      <button type="submit" disabled={record.isPending}>
        <FormattedMessage id="programmes.recordFinding" />
      </button>
      {record.isError && <ErrorNotice error={record.error} />}
    </form>
  );
}
