/**
 * What `run` throws, when it is a `kind`. Fails the test otherwise: with the error itself when it
 * throws something else, so the report shows what went wrong, and with a plain message when it
 * throws nothing.
 */
export function thrownBy<Thrown extends Error>(
  kind: abstract new (...args: never[]) => Thrown,
  run: () => unknown,
): Thrown {
  try {
    run();
  } catch (error) {
    if (error instanceof kind) return error;
    throw error;
  }
  throw new Error(`expected a ${kind.name} to be thrown`);
}
