import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { tags as t } from '@lezer/highlight'

/**
 * The editors' syntax colours, from the theme's CSS variables, so both themes keep WCAG AA
 * contrast (CodeMirror's default keyword colour, #708 on the dark background, was 1.8:1).
 */
const style = HighlightStyle.define([
  {
    tag: [t.keyword, t.modifier, t.controlKeyword, t.operatorKeyword, t.definitionKeyword, t.moduleKeyword],
    color: 'var(--syn-keyword)',
  },
  { tag: [t.string, t.special(t.string), t.regexp], color: 'var(--syn-string)' },
  { tag: [t.number, t.bool, t.null, t.atom], color: 'var(--syn-number)' },
  { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: 'var(--syn-comment)', fontStyle: 'italic' },
  { tag: [t.typeName, t.className, t.standard(t.name)], color: 'var(--syn-type)' },
  { tag: [t.operator, t.compareOperator, t.arithmeticOperator, t.logicOperator], color: 'var(--syn-operator)' },
  {
    tag: [t.propertyName, t.special(t.variableName), t.function(t.variableName), t.macroName],
    color: 'var(--syn-property)',
  },
  { tag: [t.punctuation, t.bracket, t.separator], color: 'var(--text-2)' },
  { tag: t.invalid, color: 'var(--err)' },
])

export const schemistHighlighting = syntaxHighlighting(style)
