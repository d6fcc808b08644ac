import type { SVGProps } from 'react'

// A small icon set drawn on a 16px grid; stroke-based so it follows the text colour.
const paths = {
  database:
    'M8 2c3.3 0 5.5 1 5.5 2.3v7.4C13.5 13 11.3 14 8 14s-5.5-1-5.5-2.3V4.3C2.5 3 4.7 2 8 2zM2.5 4.3C2.5 5.6 4.7 6.6 8 6.6s5.5-1 5.5-2.3M2.5 8c0 1.3 2.2 2.3 5.5 2.3s5.5-1 5.5-2.3',
  elephant: 'M3 12V7.5A4.5 4.5 0 0 1 7.5 3H9a4 4 0 0 1 4 4v2.5a2 2 0 0 1-2 2h-.5V13M6 12V9.5M13 7h1.5v3M9.5 6.5h.01',
  table: 'M2.5 3.5h11v9h-11zM2.5 6.5h11M6.5 6.5v6',
  view: 'M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 6a2 2 0 1 1 0 4 2 2 0 0 1 0-4z',
  key: 'M10 2.5a3.5 3.5 0 1 1-2.9 5.4L2.5 12.5v1h2v-1.5H6V10.5h1.5l.6-.6A3.5 3.5 0 0 1 10 2.5zM11 5h.01',
  link: 'M6.5 9.5l3-3M7 4.5l1-1a2.8 2.8 0 0 1 4 4l-1 1M9 11.5l-1 1a2.8 2.8 0 0 1-4-4l1-1',
  plus: 'M8 3v10M3 8h10',
  close: 'M4 4l8 8M12 4l-8 8',
  chevron: 'M6 4l4 4-4 4',
  play: 'M5 3.5v9l7.5-4.5z',
  stop: 'M4 4h8v8H4z',
  refresh: 'M13 8a5 5 0 1 1-1.5-3.5M13 3v3h-3',
  query: 'M3 4.5l3 3.5-3 3.5M8 12h5',
  sun: 'M8 5a3 3 0 1 1 0 6 3 3 0 0 1 0-6zM8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1',
  moon: 'M13.5 9.5A5.5 5.5 0 0 1 6.5 2.5a5.5 5.5 0 1 0 7 7z',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.5 9h6l.5-9',
  check: 'M3 8.5l3 3 7-7',
  warning: 'M8 2l6.5 11.5h-13zM8 6.5v3.5M8 12h.01',
  sidebar: 'M2.5 3h11v10h-11zM6 3v10',
  edit: 'M10.5 2.5l3 3-8 8h-3v-3z',
  sparkle: 'M8 1.5l1.5 4.5 4.5 1.5-4.5 1.5L8 13.5 6.5 9 2 7.5 6.5 6z',
  unique: 'M4 3v6a4 4 0 0 0 8 0V3',
  diagram: 'M2 2.5h5v4H2zM9 9.5h5v4H9zM4.5 6.5v5H9',
  undo: 'M5.5 3.5L2.5 6.5l3 3M2.5 6.5h7a4 4 0 0 1 0 8H7',
  redo: 'M10.5 3.5l3 3-3 3M13.5 6.5h-7a4 4 0 0 0 0 8H9',
  layout: 'M2.5 2.5h4v4h-4zM9.5 2.5h4v4h-4zM2.5 9.5h4v4h-4zM9.5 9.5h4v4h-4z',
  fit: 'M2.5 6V2.5H6M10 2.5h3.5V6M13.5 10v3.5H10M6 13.5H2.5V10',
  save: 'M3 2.5h8l2.5 2.5v8.5H3zM5.5 2.5v3.5h5V2.5M5 13.5V9h6v4.5',
  folder: 'M2 4.5V12.5h12V5.5H8L6.5 3.5H2z',
  info: 'M8 1.5a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13zM8 7v4.5M8 4.75h.01',
  download: 'M8 2.5v8M4.5 7L8 10.5 11.5 7M3 13.5h10',
  step: 'M4 3.5v9M7 3.5l6 4.5-6 4.5z',
} as const

export type IconName = keyof typeof paths

export function Icon({ name, size = 16, ...rest }: { name: IconName; size?: number } & SVGProps<SVGSVGElement>) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.4}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      {...rest}
    >
      <path d={paths[name]} />
    </svg>
  )
}
