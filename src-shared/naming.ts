/** English-ish singular of a table name, for relationship attribute names (`posts` -> `post`). */
export function singular(name: string): string {
  if (/ies$/i.test(name)) return name.slice(0, -3) + 'y'
  if (/(ss|us|is)$/i.test(name)) return name
  if (/(x|ch|sh|ses)es$/i.test(name)) return name.slice(0, -2)
  if (/s$/i.test(name)) return name.slice(0, -1)
  return name
}

/** Plural for a collection attribute (`user` -> `users`, `city` -> `cities`). */
export function plural(name: string): string {
  if (/s$/i.test(name)) return name
  if (/[^aeiou]y$/i.test(name)) return name.slice(0, -1) + 'ies'
  if (/(x|ch|sh)$/i.test(name)) return name + 'es'
  return name + 's'
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
  const parts = singular(table).split(/[^A-Za-z0-9]+/).filter(Boolean)
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
