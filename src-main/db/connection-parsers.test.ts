import { describe, expect, it } from 'vitest'
import { parseEnvFile, parseMariadbUrl, parsePostgresUrl, parseServerUrl, toPostgresUrl } from './connection-parsers'

describe('connection parsers', () => {
  it('parses postgres URLs with encoded credentials and sslmode', () => {
    expect(parsePostgresUrl('postgresql://app%40corp:p%40ss%3Aw@db.local:6543/my%20db?sslmode=require')).toEqual({
      engine: 'postgres',
      host: 'db.local',
      port: 6543,
      user: 'app@corp',
      password: 'p@ss:w',
      database: 'my db',
      sslMode: 'require',
    })
    expect(parsePostgresUrl('postgres://u@[::1]/d').host).toBe('::1')
    expect(() => parsePostgresUrl('mysql://x')).toThrow(/postgres:\/\//)
    expect(() => parsePostgresUrl('postgres://u@h/d?sslmode=maybe')).toThrow(/sslmode/)
  })

  it("reads libpq's query parameters: ?user=, ?password=, ?host= (a socket folder too) and ?port=", () => {
    expect(parsePostgresUrl('postgres:///shop?host=/var/run/postgresql&user=bob&password=x%20y')).toEqual({
      engine: 'postgres',
      host: '/var/run/postgresql',
      port: 5432,
      user: 'bob',
      password: 'x y',
      database: 'shop',
      sslMode: 'prefer',
    })
    expect(parsePostgresUrl('postgres://db.local/d?user=alice&port=7000&sslmode=disable')).toMatchObject({
      host: 'db.local',
      user: 'alice',
      port: 7000,
      sslMode: 'disable',
    })
  })

  it('round-trips through toPostgresUrl', () => {
    const c = parsePostgresUrl('postgres://a%20b:c%2Fd@h:1/e?sslmode=disable')
    expect(parsePostgresUrl(toPostgresUrl(c, true))).toEqual(c)
  })

  it("reads the notes' .env settings and says which are missing", () => {
    const r = parseEnvFile(
      `# settings\nDB_HOST=localhost\nDB_PORT=5433\nDB_USER="admin"\nDB_PASSWORD='s3cret # not a comment'\nexport DB_NAME=shop # comment\n`,
    )
    expect(r.config).toEqual({
      engine: 'postgres',
      host: 'localhost',
      port: 5433,
      user: 'admin',
      password: 's3cret # not a comment',
      database: 'shop',
      sslMode: 'prefer',
    })
    expect(r.missing).toEqual([])
    expect(parseEnvFile('DB_USER=x').missing).toEqual(['DB_HOST', 'DB_PORT', 'DB_PASSWORD', 'DB_NAME'])
    expect(() => parseEnvFile('DB_PORT=abc')).toThrow(/DB_PORT/)
  })

  it("parses mysql:// and mariadb:// URLs with MySQL's ssl-mode names, and picks the parser by scheme", () => {
    expect(parseMariadbUrl('mysql://app%40corp:p%40ss@db.local:3307/my%20db?ssl-mode=REQUIRED')).toEqual({
      engine: 'mariadb',
      host: 'db.local',
      port: 3307,
      user: 'app@corp',
      password: 'p@ss',
      database: 'my db',
      sslMode: 'require',
    })
    expect(parseMariadbUrl('mariadb://u@h')).toMatchObject({ port: 3306, database: 'mysql', sslMode: 'prefer' })
    expect(() => parseMariadbUrl('mysql://u@h/d?ssl-mode=MAYBE')).toThrow(/Unknown SSL mode "MAYBE"/)
    expect(parseServerUrl('mysql://u@h/d').engine).toBe('mariadb')
    expect(parseServerUrl('postgres://u@h/d').engine).toBe('postgres')
    expect(parseEnvFile('DATABASE_URL=mysql://root@127.0.0.1:3306/shop').config).toMatchObject({
      engine: 'mariadb',
      database: 'shop',
    })
  })
})
