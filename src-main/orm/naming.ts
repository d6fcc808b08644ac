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
