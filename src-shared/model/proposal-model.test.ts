import { describe, expect, it } from 'vitest'
import { modelDocumentSchema, positionOf } from './document'
import { proposalModel } from './proposal-model'
import { modelSvg } from './svg'

describe('a normalization proposal as a model', () => {
  const proposal = {
    tables: [
      {
        name: 'employees',
        columns: ['employee_id', 'name', 'department_id'],
        key: ['employee_id'],
        references: [{ columns: ['department_id'], table: 'departments' }],
      },
      { name: 'departments', columns: ['department_id', 'department', 'city'], key: ['department_id'], references: [] },
    ],
  }
  const source = [
    { name: 'employee_id', type: 'integer' as const, nativeType: 'INTEGER' },
    { name: 'name', type: 'text' as const, nativeType: 'TEXT' },
    { name: 'department_id', type: 'integer' as const, nativeType: 'INTEGER' },
    { name: 'department', type: 'varchar' as const, nativeType: 'VARCHAR(40)', length: 40 },
    { name: 'city', type: 'text' as const, nativeType: 'TEXT' },
  ]

  it('keeps names, keys, the source types and the foreign keys, laid out without overlaps', () => {
    const doc = modelDocumentSchema.parse(proposalModel(proposal, source))
    const [emp, dep] = doc.tables
    expect(emp.columns.map((c) => [c.name, c.type, c.primaryKey, c.nullable])).toEqual([
      ['employee_id', 'integer', 1, false],
      ['name', 'text', 0, true],
      ['department_id', 'integer', 0, true],
    ])
    expect(dep.columns.find((c) => c.name === 'department')).toMatchObject({ type: 'varchar', length: 40 })
    expect(emp.foreignKeys).toEqual([
      expect.objectContaining({ columns: ['department_id'], refTable: 'departments', refColumns: ['department_id'] }),
    ])
    expect(positionOf(doc, emp.id)).not.toEqual(positionOf(doc, dep.id))
    expect(modelSvg(doc)).toContain('departments')
  })
})
