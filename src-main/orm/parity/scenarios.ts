/**
 * Session scenarios run by both real SQLAlchemy (run_sqlalchemy.py) and Schemist's session
 * manager (run-schemist.ts), over the same SQLite schema: users with posts (all, delete-orphan),
 * a one-to-one profile (passive deletes), cities <-> users through city_user, and a
 * self-referential tree of nodes. An op is [name, ...arguments]; variables name objects.
 */
export type Op = [string, ...unknown[]]
export interface Scenario {
  name: string
  autoflush?: boolean
  ops: Op[]
}

export const SCHEMA = `
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, login TEXT NOT NULL UNIQUE);
CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON UPDATE CASCADE, title TEXT NOT NULL);
CREATE TABLE profiles (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE, bio TEXT);
CREATE TABLE cities (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE city_user (user_id INTEGER NOT NULL REFERENCES users (id), city_id INTEGER NOT NULL REFERENCES cities (id), PRIMARY KEY (user_id, city_id));
CREATE TABLE nodes (id INTEGER PRIMARY KEY, name TEXT NOT NULL, parent_id INTEGER REFERENCES nodes (id));
INSERT INTO users VALUES (1, 'Ivan', 'ivan'), (2, 'Olga', 'olga'), (3, 'Petr', 'petr');
INSERT INTO posts VALUES (1, 1, 'Unit of work'), (2, 1, 'Loading'), (3, 2, 'Cascades');
INSERT INTO profiles VALUES (1, 1, 'Backend'), (2, 2, 'HR');
INSERT INTO cities VALUES (1, 'Moscow'), (2, 'Kazan'), (3, 'Tver');
INSERT INTO city_user VALUES (1, 1), (1, 2), (2, 2);
INSERT INTO nodes VALUES (1, 'root', NULL), (2, 'a', 1), (3, 'b', 1), (4, 'a1', 2), (5, 'a1x', 4), (6, 'b1', 3);
`

export const SCENARIOS: Scenario[] = [
  {
    name: 'a new user with two posts is inserted parent first, by cascade',
    ops: [
      ['new', 'u', 'users', { name: 'Maria', login: 'maria' }],
      ['new', 'p1', 'posts', { title: 'Hello' }],
      ['new', 'p2', 'posts', { title: 'World' }],
      ['append', 'u', 'posts', 'p1'],
      ['append', 'u', 'posts', 'p2'],
      ['add', 'u'],
      ['commit'],
    ],
  },
  {
    name: 'many-to-many append writes one association row',
    ops: [['get', 'u', 'users', 3], ['get', 'c', 'cities', 3], ['append', 'u', 'cities', 'c'], ['commit']],
  },
  {
    name: 'many-to-many remove deletes the association row',
    ops: [['get', 'u', 'users', 1], ['get', 'c', 'cities', 1], ['remove', 'u', 'cities', 'c'], ['commit']],
  },
  {
    name: 'a post removed from its user is deleted (delete-orphan)',
    ops: [['get', 'u', 'users', 1], ['get', 'p', 'posts', 2], ['remove', 'u', 'posts', 'p'], ['commit']],
  },
  {
    name: 'deleting a user cascades to its loaded posts',
    ops: [['get', 'u', 'users', 2], ['load', 'u', 'posts'], ['delete', 'u'], ['commit']],
  },
  {
    name: 'deleting a user leaves its unloaded profile to ON DELETE CASCADE (passive_deletes)',
    ops: [['get', 'u', 'users', 3], ['load', 'u', 'posts'], ['delete', 'u'], ['commit']],
  },
  {
    name: 'autoflush before get() of an object not yet in the identity map',
    ops: [['new', 'u', 'users', { name: 'Anna', login: 'anna' }], ['add', 'u'], ['get', 'x', 'users', 2], ['rollback']],
  },
  {
    name: 'autoflush before a query sends the pending INSERT first',
    ops: [
      ['new', 'u', 'users', { name: 'Anna', login: 'anna' }],
      ['add', 'u'],
      ['query', 'found', 'users', { login: 'anna' }],
      ['commit'],
    ],
  },
  {
    name: 'no autoflush: the query does not see the pending object',
    autoflush: false,
    ops: [
      ['new', 'u', 'users', { name: 'Anna', login: 'anna' }],
      ['add', 'u'],
      ['query', 'found', 'users', { login: 'anna' }],
      ['rollback'],
    ],
  },
  {
    name: 'a self-referential tree deleted with cascade goes leaves first',
    ops: [
      ['get', 'r', 'nodes', 1],
      ['load', 'r', 'node_children'],
      ['get', 'a', 'nodes', 2],
      ['load', 'a', 'node_children'],
      ['get', 'b', 'nodes', 3],
      ['load', 'b', 'node_children'],
      ['get', 'a1', 'nodes', 4],
      ['load', 'a1', 'node_children'],
      ['delete', 'r'],
      ['commit'],
    ],
  },
  {
    name: 'a post moved to another user gets the new foreign key',
    ops: [['get', 'p', 'posts', 3], ['get', 'u', 'users', 3], ['setref', 'p', 'user', 'u'], ['commit']],
  },
  {
    name: 'several users renamed in one flush',
    ops: [
      ['get', 'a', 'users', 1],
      ['get', 'b', 'users', 2],
      ['set', 'a', 'name', 'A'],
      ['set', 'b', 'name', 'B'],
      ['commit'],
    ],
  },
  {
    name: 'rollback after a flush: the new object is transient again, the changed one restored',
    ops: [
      ['get', 'a', 'users', 1],
      ['set', 'a', 'name', 'Changed'],
      ['new', 'n', 'users', { name: 'Temp', login: 'temp' }],
      ['add', 'n'],
      ['flush'],
      ['rollback'],
      ['refresh', 'a'],
    ],
  },
  {
    name: 'a savepoint rolled back undoes only what happened inside it',
    ops: [
      ['new', 'o', 'users', { name: 'Outer', login: 'outer' }],
      ['add', 'o'],
      ['nested_begin', 'sp'],
      ['new', 'i', 'users', { name: 'Inner', login: 'inner' }],
      ['add', 'i'],
      ['flush'],
      ['nested_rollback', 'sp'],
      ['commit'],
    ],
  },
  {
    name: 'a primary key change carries to the posts through ON UPDATE CASCADE',
    ops: [['get', 'u', 'users', 2], ['load', 'u', 'posts'], ['set', 'u', 'id', 20], ['commit']],
  },
  {
    name: 'merge() of a detached user with its posts',
    ops: [
      ['get', 'u', 'users', 1],
      ['load', 'u', 'posts'],
      ['close'],
      ['set', 'u', 'name', 'Ivan (merged)'],
      ['new_session'],
      ['merge', 'm', 'u'],
      ['commit'],
    ],
  },
  {
    name: 'a one-to-one profile given to a user without one',
    ops: [
      ['get', 'u', 'users', 3],
      ['new', 'pr', 'profiles', { bio: 'New here' }],
      ['setref', 'pr', 'user', 'u'],
      ['add', 'pr'],
      ['commit'],
    ],
  },
  {
    name: 'a new profile given to a user who has one: the old one is deleted (delete-orphan)',
    ops: [
      ['get', 'u', 'users', 1],
      ['new', 'pr', 'profiles', { bio: 'Replaces the old one' }],
      ['setref', 'pr', 'user', 'u'],
      ['add', 'pr'],
      ['commit'],
    ],
  },
  {
    name: 'a new city appended to a user: the city, then the association row',
    ops: [
      ['get', 'u', 'users', 2],
      ['new', 'c', 'cities', { name: 'Samara' }],
      ['append', 'u', 'cities', 'c'],
      ['commit'],
    ],
  },
  {
    name: 'a deletion rolled back: the object is persistent again',
    ops: [['get', 'p', 'posts', 3], ['delete', 'p'], ['flush'], ['rollback'], ['read', 'p', 'title']],
  },
  {
    name: 'expired after commit, read again with a SELECT',
    ops: [['get', 'u', 'users', 1], ['set', 'u', 'name', 'Ivan 2'], ['commit'], ['read', 'u', 'name']],
  },
]
