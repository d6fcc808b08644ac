/**
 * A SQL expression assigned to a column instead of a value, as SQLAlchemy allows
 * (`user.updated_at = func.now()`): the flush writes it into the UPDATE as SQL, not as a
 * parameter, and afterwards the attribute is expired, because only the database knows what it
 * became. The text is trusted SQL: build it from the dialect (`columnDefaultSql`), never from
 * user input.
 */
export class SqlExpression {
  constructor(readonly sql: string) {}
  toJSON() {
    return { $sql: this.sql }
  }
}

export const sqlExpression = (sql: string) => new SqlExpression(sql)
