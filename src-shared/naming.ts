/** English-ish singular of a table name, for relationship attribute names (`posts` -> `post`). */
export function singular(name: string): string {
  const irregular = Object.entries(IRREGULAR).find(([, many]) => endsWithWord(name, many))
  if (irregular)
    return name.slice(0, name.length - irregular[1].length) + matchCase(irregular[0], name.slice(-irregular[1].length))
  if (UNCOUNTABLE.some((w) => endsWithWord(name, w))) return name
  const ves = F_PLURALS.find((f) => new RegExp(`${fStem(f)}ves$`, 'i').test(name))
  if (ves) return name.slice(0, -3) + (ves.endsWith('fe') ? 'fe' : 'f')
  if (/ies$/i.test(name)) return name.slice(0, -3) + 'y'
  if (/(ss|us|is)$/i.test(name)) return name
  if (/(x|ch|sh|ss|status|campus|bus|virus|census|bonus|focus)es$/i.test(name)) return name.slice(0, -2)
  if (/s$/i.test(name)) return name.slice(0, -1)
  return name
}

/** Plural for a collection attribute (`user` -> `users`, `city` -> `cities`, `shelf` -> `shelves`). */
export function plural(name: string): string {
  const irregular = Object.entries(IRREGULAR).find(([one]) => endsWithWord(name, one))
  if (irregular)
    return name.slice(0, name.length - irregular[0].length) + matchCase(irregular[1], name.slice(-irregular[0].length))
  if (UNCOUNTABLE.some((w) => endsWithWord(name, w))) return name
  const f = F_PLURALS.find((w) => new RegExp(`${w}$`, 'i').test(name))
  if (f) return name.slice(0, -(f.length - fStem(f).length)) + 'ves'
  if (/(ss|us|x|ch|sh)$/i.test(name)) return name + 'es'
  if (/s$/i.test(name)) return name
  if (/[^aeiou]y$/i.test(name)) return name.slice(0, -1) + 'ies'
  return name + 's'
}

const IRREGULAR: Record<string, string> = {
  person: 'people',
  child: 'children',
  man: 'men',
  woman: 'women',
  mouse: 'mice',
  goose: 'geese',
  tooth: 'teeth',
  foot: 'feet',
}
/** Words whose f or fe becomes ves (roof, chief, chef, cliff and staff keep their f). */
const F_PLURALS = ['shelf', 'leaf', 'wolf', 'knife', 'life', 'wife', 'half', 'calf', 'loaf', 'thief', 'self', 'elf']
const fStem = (w: string) => w.replace(/fe?$/, '')
/** Words that are their own plural. */
const UNCOUNTABLE = ['news', 'series', 'species', 'data', 'metadata', 'information', 'equipment', 'sheep', 'fish']

/** The name ends with the word, standing alone or after an underscore, a space or a capital (`sales_person`, `SalesPerson`). */
function endsWithWord(name: string, word: string): boolean {
  if (name.length < word.length || name.slice(-word.length).toLowerCase() !== word) return false
  const before = name.slice(0, -word.length)
  return before === '' || /[_\s-]$/.test(before) || /^[A-Z]/.test(name.slice(-word.length))
}

function matchCase(word: string, like: string): string {
  return /^[A-Z]/.test(like) ? word[0].toUpperCase() + word.slice(1) : word
}

/** A many-to-one attribute name from its foreign-key column (`user_id` -> `user`). */
export function manyToOneName(fkColumns: string[], refTable: string): string {
  if (fkColumns.length === 1) {
    const m = /^(.+?)_?(id|Id|ID)$/.exec(fkColumns[0])
    if (m && m[1]) return m[1]
  }
  return singular(refTable)
}

/** `UserProfile` or `userProfile` -> `user_profile`; spaces and dashes become underscores. */
export function snakeCase(name: string): string {
  return name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase()
}

/** `city_user` -> `CityUser`: the class a table maps to. */
export function className(table: string): string {
  const parts = singular(table)
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
  const name = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('')
  return /^[A-Za-z_]/.test(name) ? name : `T${name}`
}

/**
 * How a table name follows from its class name. The notes' `Base` derives `__tablename__`
 * as `cls.__name__.lower()` ('class': `UserProfile` -> `userprofile`); 'snake_plural' gives
 * `user_profiles`; 'manual' keeps whatever name the user typed.
 */
export const TABLE_NAMING = ['class', 'snake_plural', 'manual'] as const
export type TableNaming = (typeof TABLE_NAMING)[number]

export function tableNameFor(cls: string, naming: TableNaming): string {
  if (naming === 'class') return cls.toLowerCase()
  return plural(snakeCase(cls))
}

/** "1 change", "3 changes": a count with its noun (a regular plural unless given). */
export function counted(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`
}
