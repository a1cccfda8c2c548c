import type { ParameterReader, ParameterValues, Unreadable } from '../../../lambda/run/parameterReader.js';

/** A parameter store in memory that records every read, standing in for SSM. */
export function fakeParameterStore(initial: Record<string, string>) {
  const parameters = new Map(Object.entries(initial));
  const reads: string[][] = [];
  let failure: Unreadable | undefined;
  const read: ParameterReader = async (names) => {
    reads.push([...names]);
    const result: ParameterValues = { values: new Map(), missing: new Map() };
    for (const name of names) {
      const value = parameters.get(name);
      if (failure) result.missing.set(name, failure);
      else if (value === undefined) result.missing.set(name, { reason: 'not found', gone: true });
      else result.values.set(name, value);
    }
    return result;
  };
  return {
    read,
    reads,
    parameters,
    /** Every read fails this way until called again with undefined. */
    failWith(unreadable: Unreadable | undefined) {
      failure = unreadable;
    },
  };
}
