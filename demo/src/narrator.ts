/** Ledger evidence of one step, as far as the API reports it. */
export interface Evidence {
  readonly txId?: string;
  readonly blockNumber?: string;
  readonly eventId?: string;
  readonly decision?: string;
  readonly reason?: string;
  readonly consentId?: string;
  readonly referralId?: string;
  readonly batchId?: string;
  readonly status?: string;
  /** Anything else worth showing (counts, region codes...). */
  readonly detail?: string;
}

/** Tells what a scenario does, step by step, in plain English. */
export interface Narrator {
  /** A scenario begins. */
  scenario(title: string, summary: string): void;
  /** One step, in plain English. */
  step(text: string): void;
  /** The ledger evidence of the last step. */
  evidence(evidence: Evidence): void;
  /** An expectation, met or not. */
  check(met: boolean, text: string): void;
}

const LABELS: readonly (readonly [keyof Evidence, string])[] = [
  ['decision', 'decision'],
  ['reason', 'reason'],
  ['status', 'status'],
  ['consentId', 'consent'],
  ['referralId', 'referral'],
  ['batchId', 'batch'],
  ['eventId', 'access event'],
  ['txId', 'tx'],
  ['blockNumber', 'block'],
  ['detail', ''],
];

/** One line of evidence: `decision permit · reason ... · tx ...`. */
export function formatEvidence(evidence: Evidence): string {
  return LABELS.flatMap(([key, label]) => {
    const value = evidence[key];
    if (value === undefined) return [];
    return [label === '' ? value : `${label} ${value}`];
  }).join(' · ');
}

/** A narrator that writes lines (to the console by default). */
export function createConsoleNarrator(
  write: (line: string) => void = (line) => {
    console.log(line);
  },
): Narrator {
  let stepNumber = 0;
  return {
    scenario: (title, summary) => {
      stepNumber = 0;
      write('');
      write(`=== ${title} ===`);
      write(summary);
    },
    step: (text) => {
      stepNumber += 1;
      write(`${String(stepNumber).padStart(2)}. ${text}`);
    },
    evidence: (evidence) => {
      const line = formatEvidence(evidence);
      if (line !== '') write(`      ledger: ${line}`);
    },
    check: (met, text) => {
      write(`      ${met ? 'ok  ' : 'FAIL'} ${text}`);
    },
  };
}

/** A narrator that says nothing (tests). */
export const silentNarrator: Narrator = {
  scenario: () => undefined,
  step: () => undefined,
  evidence: () => undefined,
  check: () => undefined,
};
