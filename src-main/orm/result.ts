import { MultipleResultsFound, NoResultFound } from './errors'

/** SQLAlchemy's Result: rows of entities or values, with its accessors and their errors. */
export class Result<Row extends unknown[] = unknown[]> {
  constructor(
    readonly rows: Row[],
    /** Rows changed, for UPDATE and DELETE statements. */
    readonly rowcount: number = rows.length,
  ) {}

  all(): Row[] {
    return this.rows
  }
  first(): Row | null {
    return this.rows[0] ?? null
  }
  one(): Row {
    if (this.rows.length === 0) throw new NoResultFound()
    if (this.rows.length > 1) throw new MultipleResultsFound()
    return this.rows[0]
  }
  oneOrNone(): Row | null {
    if (this.rows.length > 1) throw new MultipleResultsFound()
    return this.rows[0] ?? null
  }
  /** First column of the first row, or null. */
  scalar(): Row[0] | null {
    return this.rows.length ? this.rows[0][0] : null
  }
  scalarOne(): Row[0] {
    return this.one()[0]
  }
  scalarOneOrNone(): Row[0] | null {
    const r = this.oneOrNone()
    return r ? r[0] : null
  }
  scalars(): ScalarResult<Row[0]> {
    return new ScalarResult(this.rows.map((r) => r[0]))
  }
  /** Drop duplicate rows (by identity), as joined eager loading of collections needs. */
  unique(): Result<Row> {
    const seen = new Set<unknown>()
    return new Result(
      this.rows.filter((r) => {
        const k = r.length === 1 ? r[0] : JSON.stringify(r)
        if (seen.has(k)) return false
        seen.add(k)
        return true
      }),
      this.rowcount,
    )
  }
}

export class ScalarResult<T> {
  constructor(readonly values: T[]) {}
  all(): T[] {
    return this.values
  }
  first(): T | null {
    return this.values[0] ?? null
  }
  one(): T {
    if (this.values.length === 0) throw new NoResultFound()
    if (this.values.length > 1) throw new MultipleResultsFound()
    return this.values[0]
  }
  oneOrNone(): T | null {
    if (this.values.length > 1) throw new MultipleResultsFound()
    return this.values[0] ?? null
  }
  unique(): ScalarResult<T> {
    return new ScalarResult([...new Set(this.values)])
  }
}
