import type { Analysis, CsvReading } from '../../../src-shared/normalize'

const SEPARATORS: [string, string][] = [
  [',', 'comma'],
  [';', 'semicolon'],
  ['\t', 'tab'],
  ['|', 'bar'],
]
const separatorName = (c: string) => SEPARATORS.find(([s]) => s === c)?.[1] ?? c

/** How to read a CSV file: the first line as names or as data, and the separator; each guessed unless told. */
export function CsvReadOptions({
  read,
  used,
  disabled,
  onChange,
}: {
  read: CsvReading
  used: Analysis['csvRead']
  disabled: boolean
  onChange: (r: CsvReading) => void
}) {
  const guessed = (what: string | undefined) => (what ? `guess (${what})` : 'guess')
  return (
    <>
      <label
        className="small"
        title="Whether the file's first line names the columns; if it is data, the columns are column1..N"
      >
        First line{' '}
        <select
          value={read.header === undefined ? '' : String(read.header)}
          disabled={disabled}
          onChange={(e) => onChange({ ...read, header: e.target.value === '' ? undefined : e.target.value === 'true' })}
          data-testid="normalize-csv-header"
        >
          <option value="">
            {guessed(used && read.header === undefined ? (used.header ? 'names' : 'data') : undefined)}
          </option>
          <option value="true">column names</option>
          <option value="false">data</option>
        </select>
      </label>
      <label className="small" title="The character between values">
        Separator{' '}
        <select
          value={read.separator ?? ''}
          disabled={disabled}
          onChange={(e) => onChange({ ...read, separator: e.target.value || undefined })}
          data-testid="normalize-csv-separator"
        >
          <option value="">
            {guessed(used && read.separator === undefined ? separatorName(used.separator) : undefined)}
          </option>
          {SEPARATORS.map(([c, name]) => (
            <option key={name} value={c}>
              {name}
            </option>
          ))}
        </select>
      </label>
    </>
  )
}
