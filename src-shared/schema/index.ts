export * from './column'
export * from './constraints'
export * from './table'
export * from './database-schema'
