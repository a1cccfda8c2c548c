/** What one read of parameters found. Values never leave this shape except as header values. */
export interface ParameterValues {
  values: Map<string, string>;
  /** Names that could not be read, and why. */
  missing: Map<string, Unreadable>;
}

export interface Unreadable {
  /** In words for the user: "not found", "access denied", "could not be read (ThrottlingException)". Never a value. */
  reason: string;
  /** True when the name does not exist or is not ours to read; false for passing trouble. */
  gone: boolean;
}

/** Reads parameters by name; never throws, every problem lands in `missing`. */
export type ParameterReader = (names: readonly string[]) => Promise<ParameterValues>;
