import { FormattedMessage, useIntl } from 'react-intl';
import { formatDay } from '../ui/format.ts';
import { PageHeader } from '../ui/status.tsx';
import './accessibility.css';

/** The day the statement was prepared, and last reviewed (ISO). */
const PREPARED_ON = '2026-11-28';

/** The known limitations, each naming the success criterion of WCAG 2.1 it falls short of. */
const LIMITATIONS = ['charts', 'map', 'languages', 'serverLanguages', 'session', 'downloads', 'oidc'] as const;
const METHODS = ['automated', 'keyboard'] as const;

/**
 * The accessibility statement, after the model of Commission Implementing Decision (EU) 2018/1523
 * for Directive (EU) 2016/2102: compliance status, what is not accessible and why, how the
 * statement was prepared, feedback and contact, the enforcement procedure. Public: no sign-in.
 */
export function AccessibilityPage() {
  const intl = useIntl();
  const prepared = formatDay(intl, PREPARED_ON);
  return (
    <article className="statement">
      <PageHeader title={<FormattedMessage id="accessibility.title" />} />
      <p className="lead">
        <FormattedMessage id="accessibility.intro" />
      </p>

      <h2>
        <FormattedMessage id="accessibility.status.heading" />
      </h2>
      <p>
        <FormattedMessage id="accessibility.status.body" />
      </p>

      <h2>
        <FormattedMessage id="accessibility.content.heading" />
      </h2>
      <p>
        <FormattedMessage id="accessibility.content.intro" />
      </p>
      <h3>
        <FormattedMessage id="accessibility.nonCompliance.heading" />
      </h3>
      <ul>
        {LIMITATIONS.map((k) => (
          <li key={k}>
            <FormattedMessage id={`accessibility.limitation.${k}`} />
          </li>
        ))}
      </ul>
      <h3>
        <FormattedMessage id="accessibility.burden.heading" />
      </h3>
      <p>
        <FormattedMessage id="accessibility.burden.body" />
      </p>
      <h3>
        <FormattedMessage id="accessibility.scope.heading" />
      </h3>
      <p>
        <FormattedMessage id="accessibility.scope.body" />
      </p>

      <h2>
        <FormattedMessage id="accessibility.preparation.heading" />
      </h2>
      <p>
        <FormattedMessage id="accessibility.preparation.date" values={{ date: <time dateTime={PREPARED_ON}>{prepared}</time> }} />
      </p>
      <p>
        <FormattedMessage id="accessibility.preparation.method" />
      </p>
      <ul>
        {METHODS.map((k) => (
          <li key={k}>
            <FormattedMessage id={`accessibility.method.${k}`} />
          </li>
        ))}
      </ul>
      <p>
        <FormattedMessage id="accessibility.preparation.review" values={{ date: <time dateTime={PREPARED_ON}>{prepared}</time> }} />
      </p>

      <h2>
        <FormattedMessage id="accessibility.feedback.heading" />
      </h2>
      <p>
        <FormattedMessage id="accessibility.feedback.body" />
      </p>
      <p>
        <FormattedMessage id="accessibility.feedback.contact" />
      </p>

      <h2>
        <FormattedMessage id="accessibility.enforcement.heading" />
      </h2>
      <p>
        <FormattedMessage id="accessibility.enforcement.body" />
      </p>
    </article>
  );
}
