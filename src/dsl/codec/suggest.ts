/**
 * "Did you mean ...?" for misspelt field names and enum values.
 *
 * A user who writes `unit` for `units` or `learningrate` for `learningRate` should be told the name
 * they meant, not handed the whole list: the nearest candidate by edit distance, if it is close.
 *
 * @module
 */

/** Levenshtein distance (insertions, deletions, substitutions), on UTF-16 code units. */
export const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

/**
 * The candidate `word` most likely misspells, or `undefined` if none is close: a case-insensitive
 * match, else the nearest within 1 edit (short words) or 2 edits (words of 5+ characters).
 */
export const didYouMean = (word: string, candidates: readonly string[]): string | undefined => {
  const lower = word.toLowerCase();
  const caseOnly = candidates.find((c) => c.toLowerCase() === lower);
  if (caseOnly !== undefined) return caseOnly;
  const budget = word.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = budget + 1;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
};
