/**
 * Every designer edit as a pure function from one document to the next: the renderer keeps
 * the old documents for undo, the CLI and tests build models through the same calls, and
 * references (foreign keys, indexes, association tables) follow renames and deletions here.
 * The edits live by what they change: tables, columns, relationships, splits; the lookups and
 * helpers they share are in edit-core.ts.
 */
export * from './edit-core'
export * from './edit-tables'
export * from './edit-columns'
export * from './edit-relationships'
export * from './edit-split'
