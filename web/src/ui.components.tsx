import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { detailOf, messageOf } from './api.client.ts';
import { formatDateTime, t } from './i18n/i18n.ts';

/** A labelled form control: the label is tied to the control by id. */
export function Field(
  props: Readonly<{
    label: string;
    hint?: string;
    children: (id: string, describedBy: string | undefined) => JSX.Element;
  }>,
): JSX.Element {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint === undefined ? null : (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.children(id, props.hint === undefined ? undefined : hintId)}
    </div>
  );
}

/** A group of checkboxes with a legend. */
export function CheckboxGroup(
  props: Readonly<{
    legend: string;
    name: string;
    options: readonly string[];
    /** An option's words (the option's code is the checkbox's value). */
    optionLabel: (option: string) => string;
    selected: readonly string[];
    onChange: (selected: string[]) => void;
    /** The ID of a hint that describes the group. */
    describedBy?: string;
  }>,
): JSX.Element {
  return (
    <fieldset class="checks" aria-describedby={props.describedBy}>
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option} class="check">
          <input
            type="checkbox"
            name={props.name}
            value={option}
            checked={props.selected.includes(option)}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              props.onChange(
                checked
                  ? [...props.selected, option]
                  : props.selected.filter((item) => item !== option),
              );
            }}
          />
          {props.optionLabel(option)}
        </label>
      ))}
    </fieldset>
  );
}

/** The state of one asynchronous action: idle, busy, done with a result, or failed. */
export interface Task<T> {
  readonly busy: boolean;
  readonly error?: string;
  /** The error's technical detail (its code and the server's text), when it has one. */
  readonly detail?: string;
  readonly result?: T;
  /** Runs `work`; its result or error replaces the previous one. */
  run(work: () => Promise<T>): Promise<void>;
  /** Forgets the result or error, when what it answered has changed. */
  clear(): void;
}

/** A {@link Task} as component state. */
export function useTask<T>(): Task<T> {
  const [state, setState] = useState<{
    busy: boolean;
    error?: string;
    detail?: string;
    result?: T;
  }>({
    busy: false,
  });
  return {
    ...state,
    clear: () => {
      setState((current) => (current.busy ? current : { busy: false }));
    },
    run: async (work) => {
      setState({ busy: true });
      try {
        setState({ busy: false, result: await work() });
      } catch (error) {
        const detail = detailOf(error);
        setState({
          busy: false,
          error: messageOf(error),
          ...(detail === undefined ? {} : { detail }),
        });
      }
    },
  };
}

/** A polite live region for results, and an assertive one for errors. */
export function Status(
  props: Readonly<{
    busy?: boolean;
    busyText?: string;
    error?: string | undefined;
    /** The error's technical detail, shown folded under it. */
    detail?: string | undefined;
    children?: ComponentChildren;
  }>,
): JSX.Element {
  return (
    <div class="status">
      <div role="status" aria-live="polite">
        {props.busy === true ? (
          <p class="busy">
            <span class="spinner" aria-hidden="true" />
            {props.busyText ?? t('common.working')}
          </p>
        ) : (
          props.children
        )}
      </div>
      <div role="alert">
        {props.error === undefined ? null : <p class="error">{props.error}</p>}
        {props.error === undefined || props.detail === undefined ? null : (
          <TechnicalDetails>
            <p class="id">{props.detail}</p>
          </TechnicalDetails>
        )}
      </div>
    </div>
  );
}

/**
 * A modal confirmation (the native dialog: focus moves into it, Escape cancels, focus returns to
 * the button that opened it).
 */
export function ConfirmDialog(
  props: Readonly<{
    open: boolean;
    title: string;
    children: ComponentChildren;
    confirmLabel: string;
    /** A red confirm button (default) for what cannot be undone; the primary colour otherwise. */
    danger?: boolean;
    onConfirm: () => void;
    onCancel: () => void;
  }>,
): JSX.Element {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onCancel={props.onCancel} onClose={props.onCancel}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div class="actions">
        <button
          type="button"
          class={props.danger === false ? undefined : 'danger'}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel} autofocus>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}

/** A date-time as the chosen language shows it, in a <time> element. */
export function Time(props: Readonly<{ value: string }>): JSX.Element {
  return <time dateTime={props.value}>{formatDateTime(props.value)}</time>;
}

/**
 * Technical details (transaction hashes, event and consent IDs, blocks, error codes), folded
 * away from people's primary view.
 */
export function TechnicalDetails(
  props: Readonly<{ children: ComponentChildren; summary?: string }>,
): JSX.Element {
  return (
    <details class="technical">
      <summary>{props.summary ?? t('common.technicalDetails')}</summary>
      {props.children}
    </details>
  );
}

/** Saves a Blob as a file through a temporary object URL. */
export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => {
    URL.revokeObjectURL(href);
  }, 10_000);
}

/** A `datetime-local` value as an ISO timestamp (UTC), or undefined when empty. */
export function isoOf(local: string): string | undefined {
  return local === '' ? undefined : new Date(local).toISOString();
}
