/**
 * The field names an import is given on the command line (`--columns`, `--fields-file`, `--types`,
 * `--upsert-fields`), checked before anything is read or sent: one the server refuses would
 * otherwise fail every record at the server. A typed column (`age.int32()`) is checked whole:
 * its name and its type.
 */
import { fieldNameProblem } from '../plan/field-name.js';
import { UTC } from '../stream/sources/time-zone.js';
import { typedHeaderCell } from '../stream/sources/typed-header.js';

/** One problem per bad name, each naming the option and the field. */
export function fieldNameProblems(option: string, names: readonly string[], typed = false): string[] {
  const problems: string[] = [];
  for (const name of names) {
    let field = name;
    if (typed) {
      const cell = typedHeaderCell(name, UTC, false);
      if ('problem' in cell) {
        problems.push(`${option}: expected typed field names (name.type()), received ${cell.problem}`);
        continue;
      }
      field = cell.name;
    }
    const problem = fieldNameProblem(field);
    if (problem) problems.push(`${option}: expected field names the server accepts, received ${problem}`);
  }
  return problems;
}
