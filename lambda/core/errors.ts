/** Stable reasons a source can fail for; part of the run report's contract (`errorCode`). */
export const FAILURE_CODES = [
  'timeout',
  'deadline',
  'network',
  'dns',
  'blocked_address',
  'http_status',
  'rate_limited',
  'too_large',
  'too_complex',
  'bad_encoding',
  'too_many_redirects',
  'bad_redirect',
  'unsupported_format',
  'malformed',
  'secret_unavailable',
  /** A bug or a lost worker, not the source's fault: the report says what happened. */
  'internal',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

export interface Failure {
  code: FailureCode;
  message: string;
}

/** Base of every error Tributary throws on purpose; `code` is stable, the message is for people. */
export class TributaryError extends Error {
  readonly code: string;

  /**
   * @param name the class's name, spelled out: users see it in logs and as Lambda's errorType,
   *   and the minified bundle renames classes.
   */
  constructor(name: string, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
    this.code = code;
  }
}

/**
 * Bad configuration, event or sources file. `field` names the offending path
 * (`sources[3].url`, `OUTPUT_BUCKET`, `event.dryRun`) so the user knows what to fix.
 */
export class InvalidInputError extends TributaryError {
  readonly field: string;

  constructor(kind: 'config' | 'event' | 'sources', field: string, problem: string, options?: { cause?: unknown }) {
    super('InvalidInputError', `invalid_${kind}`, `${field}: ${problem}`, options);
    this.field = field;
  }
}

/** One source could not be fetched or understood; never fatal to the run. */
export class SourceError extends TributaryError {
  declare readonly code: FailureCode;
  readonly httpStatus: number | undefined;

  constructor(code: FailureCode, message: string, options?: { cause?: unknown; httpStatus?: number }) {
    super('SourceError', code, message, options);
    this.httpStatus = options?.httpStatus;
  }

  toFailure(): Failure {
    return { code: this.code, message: this.message };
  }
}

/** Reading or writing outputs and state failed; the run cannot publish safely. */
export class StoreError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('StoreError', 'store', message, options);
  }
}

/** The run notification could not be published after retries. */
export class NotifyError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NotifyError', 'notify', message, options);
  }
}

/** Something that cannot happen did: a bug, reported as such rather than as bad input. */
export class InternalError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('InternalError', 'internal', message, options);
  }
}

/**
 * A JSON path in a sources file's mapping is not one Tributary reads; the message names what is
 * wrong and where. Sources-file validation turns it into an InvalidInputError naming the field.
 */
export class JsonPathError extends TributaryError {
  constructor(message: string) {
    super('JsonPathError', 'invalid_json_path', message);
  }
}

/** A CSS selector (with its optional `@attribute`) in a sources file's mapping is not usable. */
export class HtmlSelectorError extends TributaryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('HtmlSelectorError', 'invalid_html_selector', message, options);
  }
}

/** A filter term is not usable; sources files are checked with ItemFilter.termProblem first. */
export class FilterTermError extends TributaryError {
  constructor(message: string) {
    super('FilterTermError', 'invalid_filter_term', message);
  }
}

/** An earlier invocation of the same run holds its claim and may still be running. */
export class RunInProgressError extends TributaryError {
  constructor(runId: string, claimedAt: string, expiresAt: string) {
    super(
      'RunInProgressError',
      'run_in_progress',
      `run ${runId} was claimed at ${claimedAt} by an invocation that may still be running ` +
        `(claim expires ${expiresAt})`,
    );
  }
}

/** An error's own words, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
