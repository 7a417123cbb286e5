import type { ReactNode } from 'react';

/**
 * A labelled form field with its hint and its problems beside it: the input is described by both
 * and marked invalid while it has a problem, so a screen reader says why when it gets focus.
 * `control` receives the attributes the input must carry.
 */
export type FieldErrors = Record<string, string[]>;

export interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

export function Field(props: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: readonly string[] | undefined;
  control: (p: ControlProps) => ReactNode;
  className?: string;
}) {
  const { id, label, hint, errors = [] } = props;
  const described = [hint ? `${id}-hint` : null, errors.length > 0 ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {props.control({ id, 'aria-invalid': errors.length > 0 ? true : undefined, 'aria-describedby': described || undefined })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <p className="field-error" id={`${id}-error`}>
          {errors.join(' ')}
        </p>
      )}
    </div>
  );
}

/** The per-field reasons of an API refusal (`details` of a 400: `{ field: [reasons] }`). */
export function fieldErrorsOf(details: Record<string, unknown>): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(details)) {
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
    else if (typeof v === 'string') out[k] = [v];
  }
  return out;
}
