import type { Column, ForeignKey, NeutralType, Table } from '../../src-shared/schema'

// The bundled sample database, built from the seed notes: the ORM examples (users with
// one-to-one profiles and posts, cities with the city_user many-to-many) and every example
// table of the normalization chapter. A few rows beyond the notes' own make each table's
// intended dependencies visible in the data (noted where added); the notes' rows come first.

type ColOpts = Partial<Omit<Column, 'name' | 'type' | 'nativeType'>>

export function col(name: string, type: NeutralType, opts: ColOpts = {}): Column {
  return {
    name,
    type,
    nativeType: type,
    nullable: opts.nullable ?? true,
    serverDefault: opts.serverDefault ?? null,
    autoincrement: opts.autoincrement ?? false,
    primaryKey: opts.primaryKey ?? 0,
    unique: opts.unique ?? false,
    ...(opts.length != null ? { length: opts.length } : {}),
    ...(opts.scale != null ? { scale: opts.scale } : {}),
  }
}

export function fk(
  columns: string[],
  refTable: string,
  refColumns: string[],
  onDelete: ForeignKey['onDelete'] = 'NO ACTION',
): ForeignKey {
  return { name: null, columns, refSchema: null, refTable, refColumns, onDelete, onUpdate: 'NO ACTION' }
}

export function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return {
    schema: null,
    name,
    kind: 'table',
    columns,
    primaryKeyName: null,
    foreignKeys: [],
    uniques: [],
    checks: [],
    indexes: [],
    definition: null,
    hasRowid: true,
    ...extra,
  }
}

const id = () => col('id', 'integer', { primaryKey: 1, autoincrement: true, nullable: false })
const stamps = () => [
  col('created_at', 'timestamp', { nullable: false, serverDefault: 'CURRENT_TIMESTAMP' }),
  col('updated_at', 'timestamp', { nullable: false, serverDefault: 'CURRENT_TIMESTAMP' }),
]

export const SAMPLE_TABLES: Table[] = [
  table('users', [
    id(),
    col('name', 'text', { nullable: false }),
    col('login', 'varchar', { length: 50, nullable: false, unique: true }),
    ...stamps(),
  ]),
  table(
    'profiles',
    [
      id(),
      col('user_id', 'integer', { nullable: false, unique: true }),
      col('bio', 'text'),
      col('birthday', 'date'),
      ...stamps(),
    ],
    { foreignKeys: [fk(['user_id'], 'users', ['id'], 'CASCADE')] },
  ),
  table(
    'posts',
    [
      id(),
      col('user_id', 'integer', { nullable: false }),
      col('title', 'varchar', { length: 200, nullable: false }),
      col('content', 'text'),
      ...stamps(),
    ],
    {
      foreignKeys: [fk(['user_id'], 'users', ['id'], 'CASCADE')],
      checks: [{ name: 'posts_title_not_blank', expression: 'length(title) > 0' }],
      indexes: [{ name: 'posts_user_id_idx', columns: ['user_id'], unique: false, where: null }],
    },
  ),
  table('cities', [
    id(),
    col('name', 'text', { nullable: false }),
    col('longitude', 'double', { nullable: false }),
    col('latitude', 'double', { nullable: false }),
    ...stamps(),
  ]),
  table(
    'city_user',
    [
      col('user_id', 'integer', { nullable: false, primaryKey: 1 }),
      col('city_id', 'integer', { nullable: false, primaryKey: 2 }),
    ],
    {
      foreignKeys: [fk(['city_id'], 'cities', ['id'], 'CASCADE'), fk(['user_id'], 'users', ['id'], 'CASCADE')],
    },
  ),
  // 1NF: a list of phones in one cell.
  table('phone_book', [id(), col('name', 'text'), col('phones', 'text')]),
  // 1NF: a repeating group of columns (phone1, phone2, phone3).
  table('contacts_wide', [
    id(),
    col('name', 'text'),
    col('phone1', 'text'),
    col('phone2', 'text'),
    col('phone3', 'text'),
  ]),
  // 2NF: course_name depends on course_id alone, part of the composite key.
  table('student_courses', [
    col('student_id', 'integer', { primaryKey: 1, nullable: false }),
    col('course_id', 'integer', { primaryKey: 2, nullable: false }),
    col('course_name', 'text'),
    col('grade', 'integer'),
  ]),
  // 3NF: department and city depend on department_id, not on the employee.
  table('employee_departments', [
    col('employee_id', 'integer', { primaryKey: 1, nullable: false, autoincrement: true }),
    col('name', 'text'),
    col('department_id', 'integer'),
    col('department', 'text'),
    col('city', 'text'),
  ]),
  // BCNF/4NF: a course's teachers and rooms are independent of each other.
  table('course_teacher_rooms', [col('course', 'text'), col('teacher', 'text'), col('room', 'integer')]),
  // 5NF: project, developer and skill in one three-way table.
  table('project_developer_skills', [col('project', 'text'), col('developer', 'text'), col('skill', 'text')]),
]

export const SAMPLE_VIEWS: Table[] = [
  table('user_post_counts', [], {
    kind: 'view',
    hasRowid: false,
    definition:
      'SELECT u.id AS user_id, u.login, count(p.id) AS posts FROM users u LEFT JOIN posts p ON p.user_id = u.id GROUP BY u.id, u.login',
  }),
]

/** Rows per table, columns in declaration order (timestamps left to their server defaults). */
export const SAMPLE_ROWS: Record<string, { columns: string[]; rows: (string | number | null)[][] }> = {
  users: {
    columns: ['name', 'login'],
    rows: [
      ['Иван', 'ivan'],
      ['Ольга', 'olga'],
      ['Пётр', 'petr'],
      ['Анна', 'anna'],
    ],
  },
  profiles: {
    columns: ['user_id', 'bio', 'birthday'],
    rows: [
      [1, 'Backend developer, loves SQL', '1990-04-12'],
      [2, 'HR lead', '1988-11-02'],
      [3, null, null],
    ],
  },
  posts: {
    columns: ['user_id', 'title', 'content'],
    rows: [
      [1, 'Unit of work explained', 'Session.add, flush, commit.'],
      [1, 'Loading strategies', 'joinedload, selectinload, subqueryload.'],
      [2, 'Isolation levels', 'Dirty reads, phantoms and friends.'],
      [3, 'Normal forms', '1NF to 5NF with examples.'],
      [3, 'Cascades', 'save-update, delete, delete-orphan.'],
    ],
  },
  cities: {
    columns: ['name', 'longitude', 'latitude'],
    rows: [
      ['Москва', 37.6173, 55.7558],
      ['Санкт-Петербург', 30.3351, 59.9343],
      ['Казань', 49.1064, 55.7963],
    ],
  },
  city_user: {
    columns: ['user_id', 'city_id'],
    rows: [
      [1, 1],
      [1, 2],
      [2, 2],
      [3, 1],
      [3, 3],
      [4, 3],
    ],
  },
  phone_book: {
    // ids 1 and 2 come from the key's autoincrement, as in the notes
    columns: ['name', 'phones'],
    rows: [
      ['Иван', '111-222, 333-444'],
      ['Ольга', '555-666'],
    ],
  },
  contacts_wide: {
    columns: ['name', 'phone1', 'phone2', 'phone3'],
    rows: [
      ['Иван', '111-222', '333-444', null],
      ['Ольга', '555-666', null, null],
    ],
  },
  student_courses: {
    columns: ['student_id', 'course_id', 'course_name', 'grade'],
    rows: [
      [1, 101, 'Математика', 5],
      [2, 101, 'Математика', 4],
      [1, 102, 'Физика', 3],
      // added: more students and a third course, so course_id -> course_name shows in data
      [3, 102, 'Физика', 5],
      [2, 103, 'Химия', 4],
      [3, 101, 'Математика', 3],
    ],
  },
  employee_departments: {
    // employee_id 1..6 comes from the key's autoincrement
    columns: ['name', 'department_id', 'department', 'city'],
    rows: [
      ['Иван', 10, 'IT', 'Москва'],
      ['Ольга', 20, 'HR', 'Санкт-Петербург'],
      // added: departments shared by several employees, and two departments in one city
      ['Пётр', 10, 'IT', 'Москва'],
      ['Анна', 30, 'Sales', 'Москва'],
      ['Мария', 20, 'HR', 'Санкт-Петербург'],
      ['Иван', 30, 'Sales', 'Москва'],
    ],
  },
  course_teacher_rooms: {
    columns: ['course', 'teacher', 'room'],
    rows: [
      ['Математика', 'Иван Петров', 101],
      ['Математика', 'Ольга Иванова', 102],
      // added: every teacher of a course with every room of it (course ->> teacher | room),
      // which is what the notes' split into course-teacher and course-room assumes; a teacher
      // and a room shared by two courses keep accidental dependencies out of the data
      ['Математика', 'Иван Петров', 102],
      ['Математика', 'Ольга Иванова', 101],
      ['Физика', 'Анна Смирнова', 102],
      ['Физика', 'Анна Смирнова', 201],
      ['Физика', 'Иван Петров', 102],
      ['Физика', 'Иван Петров', 201],
    ],
  },
  project_developer_skills: {
    columns: ['project', 'developer', 'skill'],
    rows: [
      ['CRM', 'Иван', 'Python'],
      ['CRM', 'Иван', 'SQL'],
      ['CRM', 'Ольга', 'Java'],
      ['AI', 'Ольга', 'Python'],
      // added: with this row the three-way split (project-developer, developer-skill,
      // project-skill) joins back to exactly these rows, a join dependency and no MVD
      ['CRM', 'Ольга', 'Python'],
    ],
  },
}
