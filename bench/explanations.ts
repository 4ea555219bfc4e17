/**
 * Why a target was missed, written by hand after reading the profiles of the run in
 * bench/results/. Keyed by target id, or `<target id>/<scenario>` for one scenario only.
 * docs/performance.md quotes the entry beside each missed target.
 */
export const EXPLANATIONS: Readonly<Record<string, string>> = {};
