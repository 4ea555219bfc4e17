import { OptionError } from './option-checks.js';

/** Runs each option check, keeping every problem instead of stopping at the first. */
export function collectProblems() {
  const problems: string[] = [];
  const check = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof OptionError) {
        problems.push(error.message);
        return undefined;
      }
      throw error;
    }
  };
  return { problems, check };
}
