import { distance } from 'fastest-levenshtein';

/**
 * The candidate a mistyped word most likely meant, for "did you mean …?" hints; undefined when
 * none is close. A word may also be a misspelt start of a longer name (`timout` → `timeoutSeconds`),
 * so it is compared against each candidate's prefixes of about its own length too.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const typed = word.toLowerCase();
  // About one edit per three letters still reads as a typo rather than another word; rounded up
  // because swapped letters (`tpye`), the commonest slip, cost two edits.
  const tolerance = Math.ceil(typed.length / 3);
  let best: { candidate: string; edits: number } | undefined;
  for (const candidate of candidates) {
    const edits = editsTo(typed, candidate.toLowerCase());
    if (edits <= tolerance && (best === undefined || edits < best.edits)) best = { candidate, edits };
  }
  return best?.candidate;
}

function editsTo(typed: string, candidate: string): number {
  let edits = distance(typed, candidate);
  // Prefixes count only from four letters on: shorter ones match too many names by accident.
  if (typed.length < 4) return edits;
  for (let length = typed.length - 1; length <= typed.length + 1 && length < candidate.length; length++) {
    edits = Math.min(edits, distance(typed, candidate.slice(0, length)));
  }
  return edits;
}

/** ` (did you mean "x"?)` or nothing: appended to an "unknown …" message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
