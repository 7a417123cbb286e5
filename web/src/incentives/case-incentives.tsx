import { useId, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { useRounds, type Round } from '../state-of-play/state-of-play.queries.ts';
import { formatDay, formatMoment } from '../ui/format.ts';
import { ErrorNotice, isStale, StaleNotice } from '../ui/status.tsx';
import {
  euros,
  groupName,
  groupsInWords,
  localLabel,
  rateName,
  sourceWords,
  VULNERABLE_GROUPS,
  type VulnerableGroup,
} from './incentive.ts';
import { useCaseIncentives, useRecordVulnerableGroups, type CaseMember } from './incentives.api.ts';
import './incentives.css';
import { NotReady } from '../ui/page-state.tsx';
import { Actor } from '../ui/actor.tsx';
import { shippedKeys, useShipped } from '../i18n/shipped.tsx';

/** What the case page knows of a member: whether they arrived, or were not accepted. */
export interface HouseholdMember {
  personRef?: string | null;
  arrivedOn?: string | null;
  excludedReason?: string | null;
}

/**
 * The AMIF incentive of each member of a case (R 16; Regulation (EU) 2021/1147 art. 19), on the
 * case page: the rate and amount, the evidence that decided them in words, every change with why,
 * and the vulnerable groups the state records for the member, saved against the case's version
 * (If-Match). `onChanged` tells the case page its version moved on.
 */
export function CaseIncentivesPanel({
  state,
  caseRef,
  household,
  onChanged,
}: {
  state: string;
  caseRef: string;
  household: readonly HouseholdMember[];
  onChanged: () => void;
}) {
  const incentives = useCaseIncentives(state, caseRef);
  const rounds = useRounds();
  return (
    <section className="panel case-incentives" aria-labelledby="case-incentives">
      <h2 id="case-incentives">
        <FormattedMessage id="incentives.case.title" />
      </h2>
      <p className="hint">
        <FormattedMessage id="incentives.case.lead" />
      </p>
      {incentives.status !== 'success' ? (
        <NotReady query={incentives} />
      ) : (
        <>
          {incentives.data.members.map((m) => (
            <MemberIncentive
              key={m.personRef}
              member={m}
              household={household.find((h) => h.personRef === m.personRef)}
              rounds={rounds.data ?? []}
            />
          ))}
          <GroupsForm
            state={state}
            caseRef={caseRef}
            members={incentives.data.members}
            etag={incentives.data.etag}
            onReload={() => {
              onChanged();
              return incentives.refetch();
            }}
            onChanged={onChanged}
          />
        </>
      )}
    </section>
  );
}

function MemberIncentive(props: { member: CaseMember; household: HouseholdMember | undefined; rounds: readonly Round[] }) {
  const { member, household } = props;
  const intl = useIntl();
  const shipped = useShipped();
  const titleId = useId();
  const i = member.incentive;
  const round = i ? props.rounds.find((r) => r.id === i.roundId) : undefined;
  const rate = i?.rateId ? round?.incentives.find((r) => r.id === i.rateId) : undefined;
  const region = i?.evidence.priorityRegion ? round?.priorities.find((p) => p.id === i.evidence.priorityRegion) : undefined;
  const none = household?.excludedReason
    ? 'incentives.case.notAccepted'
    : !household?.arrivedOn
      ? 'incentives.case.notArrived'
      : 'incentives.case.noRates';

  return (
    <article className="member-incentive" aria-labelledby={titleId} data-person={member.personRef}>
      <h3 id={titleId}>
        <FormattedMessage id="incentives.case.member" values={{ person: member.personRef }} />
      </h3>
      {i === null ? (
        <p>
          <FormattedMessage id={none} />
        </p>
      ) : (
        <dl className="facts">
          <dt>
            <FormattedMessage id="incentives.case.amount" />
          </dt>
          <dd data-testid="incentive-amount">
            {i.rateId === null ? <FormattedMessage id="incentives.case.noRateApplies" /> : euros(intl, i.amount)}
          </dd>
          <dt>
            <FormattedMessage id="incentives.case.rate" />
          </dt>
          <dd>
            {rate && round
              ? shipped.text(shippedKeys.incentive(round.id, rate.id), localLabel(intl, rate.label))
              : rateName(intl, i.rateId)}
          </dd>
          <dt>
            <FormattedMessage id="incentives.case.round" />
          </dt>
          <dd>
            <FormattedMessage
              id="incentives.case.roundArrived"
              values={{ round: i.roundId, date: formatDay(intl, i.arrivedOn, 'medium') }}
            />
          </dd>
          <dt>
            <FormattedMessage id="incentives.case.region" />
          </dt>
          <dd>
            {i.evidence.priorityRegion ? (
              <FormattedMessage
                id="incentives.case.inRegion"
                values={{
                  country: i.evidence.countryOfDeparture,
                  region:
                    region && round
                      ? shipped.text(shippedKeys.region(round.id, region.id), localLabel(intl, region.label))
                      : i.evidence.priorityRegion,
                }}
              />
            ) : (
              <FormattedMessage id="incentives.case.noRegion" values={{ country: i.evidence.countryOfDeparture }} />
            )}
          </dd>
          <dt>
            <FormattedMessage id="incentives.case.groups" />
          </dt>
          <dd>
            {i.evidence.vulnerableGroups.length === 0 ? (
              <FormattedMessage id="incentives.case.noGroups" />
            ) : (
              <ul className="needs">
                {i.evidence.vulnerableGroups.map((g) => (
                  <li key={`${g.group}:${g.from}`}>
                    <FormattedMessage
                      id="incentives.groupShownBy"
                      values={{ group: groupName(intl, g.group), source: sourceWords(intl, g.from) }}
                    />
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      )}
      <h4>
        <FormattedMessage id="incentives.history" />
      </h4>
      {member.history.length === 0 ? (
        <p>
          <FormattedMessage id="incentives.case.noHistory" />
        </p>
      ) : (
        <IncentiveHistory history={member.history} />
      )}
    </article>
  );
}

/**
 * The vulnerable groups the state records for the members (beside those the case's category, the
 * members' needs and the case's priority show): one form for the household, one Save, below each
 * member's incentive and its history. Each member whose groups changed is sent in turn, each with
 * the case's ETag the previous answer gave. A stale ETag (412): the case page's "someone changed
 * this case — reload" notice, focus on its button.
 */
function GroupsForm(props: {
  state: string;
  caseRef: string;
  members: CaseMember[];
  etag: string;
  onReload: () => Promise<unknown>;
  onChanged: () => void;
}) {
  const intl = useIntl();
  const id = useId();
  const record = useRecordVulnerableGroups(props.state, props.caseRef);
  // What the officer ticked and has not saved yet, per member; absent: what is recorded.
  const [draft, setDraft] = useState<Record<string, Set<VulnerableGroup>>>({});
  const [result, setResult] = useState<string[]>([]);
  const title = useRef<HTMLHeadingElement>(null);
  const tickedOf = (m: CaseMember) => draft[m.personRef] ?? new Set(m.vulnerableGroups as VulnerableGroup[]);
  const stale = isStale(record.error);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (record.isPending || stale) return;
    const changed = props.members.filter((m) => {
      const now = VULNERABLE_GROUPS.filter((g) => tickedOf(m).has(g));
      return now.join() !== VULNERABLE_GROUPS.filter((g) => (m.vulnerableGroups as string[]).includes(g)).join();
    });
    let etag = props.etag;
    const said: string[] = [];
    try {
      for (const m of changed) {
        const { member: saved, etag: next } = await record.mutateAsync({
          etag,
          member: m.personRef,
          groups: VULNERABLE_GROUPS.filter((g) => tickedOf(m).has(g)),
        });
        etag = next;
        said.push(
          saved.incentive
            ? intl.formatMessage(
                { id: 'incentives.case.saved' },
                {
                  person: saved.personRef,
                  amount:
                    saved.incentive.rateId === null
                      ? intl.formatMessage({ id: 'incentives.case.noRateApplies' })
                      : euros(intl, saved.incentive.amount),
                },
              )
            : intl.formatMessage({ id: 'incentives.case.savedNoIncentive' }, { person: saved.personRef }),
        );
        setDraft((d) => {
          const { [m.personRef]: _, ...rest } = d;
          return rest;
        });
      }
      setResult(said.length > 0 ? said : [intl.formatMessage({ id: 'incentives.case.nothingChanged' })]);
    } catch {
      setResult(said);
    }
    if (said.length > 0) props.onChanged();
  };

  const doReload = async () => {
    await props.onReload();
    setDraft({});
    record.reset();
    setResult([intl.formatMessage({ id: 'incentives.case.reloaded' })]);
    title.current?.focus();
  };

  return (
    <form className="groups-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} ref={title} tabIndex={-1}>
        <FormattedMessage id="incentives.case.groupsTitle" />
      </h3>
      <p className="hint" id={`${id}-hint`}>
        <FormattedMessage id="incentives.case.groupsHint" />
      </p>
      {props.members.map((member) => (
        <fieldset key={member.personRef}>
          <legend>
            <FormattedMessage id="incentives.case.groupsLegend" values={{ person: member.personRef }} />
          </legend>
          {VULNERABLE_GROUPS.map((g) => (
            <label key={g} className="check">
              <input
                type="checkbox"
                name={`group-${member.personRef}`}
                value={g}
                checked={tickedOf(member).has(g)}
                aria-describedby={`${id}-hint`}
                onChange={(e) => {
                  const next = new Set(tickedOf(member));
                  if (e.target.checked) next.add(g);
                  else next.delete(g);
                  setDraft((d) => ({ ...d, [member.personRef]: next }));
                }}
              />{' '}
              {groupName(intl, g)}
            </label>
          ))}
        </fieldset>
      ))}
      {stale ? (
        <StaleNotice
          message={<FormattedMessage id="cases.stale" />}
          reload={{ label: <FormattedMessage id="cases.reload" />, onClick: () => void doReload() }}
        />
      ) : (
        record.isError && <ErrorNotice error={record.error} />
      )}
      {!stale && (
        <button type="submit" aria-disabled={record.isPending}>
          <FormattedMessage id="incentives.case.saveAll" />
        </button>
      )}
      <div role="status" className="case-result">
        {result.length > 0 && <p className="notice notice-success">{result.join(' ')}</p>}
      </div>
    </form>
  );
}

/** Every change of a person's incentive, oldest first: when, why, the amount and rate before and after, the groups before and after. */
export function IncentiveHistory({ history }: { history: CaseMember['history'] }) {
  const intl = useIntl();
  const amount = (a: number | null, rate: string | null) => (a === null ? '–' : `${euros(intl, a)} (${rateName(intl, rate)})`);
  return (
    <ol className="incentive-history" data-testid="incentive-history">
      {history.map((h) => (
        <li key={h.revision}>
          <p>
            <strong>
              <FormattedMessage id={`incentives.reason.${h.reason}`} />
            </strong>{' '}
            <span className="hint">
              <FormattedMessage id="incentives.when" values={{ at: formatMoment(intl, h.at), actor: <Actor id={h.actor} /> }} />
            </span>
          </p>
          <p>
            <FormattedMessage
              id="incentives.change"
              values={{ before: amount(h.amountBefore, h.rateBefore), after: amount(h.amountAfter, h.rateAfter) }}
            />
          </p>
          <p className="hint">
            <FormattedMessage
              id="incentives.groupsChange"
              values={{ before: groupsInWords(intl, h.evidenceBefore), after: groupsInWords(intl, h.evidenceAfter) }}
            />
          </p>
        </li>
      ))}
    </ol>
  );
}
