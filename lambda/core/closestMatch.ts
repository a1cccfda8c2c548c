import { distance } from 'fastest-levenshtein';

/**
 * The candidate a mistyped word most likely meant, for "did you mean …?" hints; undefined when
 * none is close. A word may also be a misspelt start of a longer name (`timout` → `timeoutSeconds`),
 * so it is compared against each candidate's prefixes of about its own length too.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const typed = word.toLowerCase();
  // One edit per three letters (at least one) still reads as a typo rather than another word.
  const tolerance = Math.max(1, Math.floor(typed.length / 3));
  let best: { candidate: string; edits: number } | undefined;
  for (const candidate of candidates) {
    const edits = editsTo(typed, candidate.toLowerCase());
    if (edits <= tolerance && (best === undefined || edits < best.edits)) best = { candidate, edits };
  }
  return best?.candidate;
}

function editsTo(typed: string, candidate: string): number {
  // Two swapped neighbours (`tpye`), the commonest slip, are one edit, not Levenshtein's two.
  if (isOneSwapAway(typed, candidate)) return 1;
  let edits = distance(typed, candidate);
  // Prefixes count only from five letters on: shorter ones match too many names by accident.
  if (typed.length < 5) return edits;
  for (let length = typed.length - 1; length <= typed.length + 1 && length < candidate.length; length++) {
    edits = Math.min(edits, distance(typed, candidate.slice(0, length)));
  }
  return edits;
}

function isOneSwapAway(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const first = [...a].findIndex((char, i) => char !== b[i]);
  return (
    first >= 0 && a[first] === b[first + 1] && a[first + 1] === b[first] && a.slice(first + 2) === b.slice(first + 2)
  );
}

/** ` (did you mean "x"?)` or nothing: appended to an "unknown …" message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closestMatch(word, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
