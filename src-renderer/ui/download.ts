/** Offer a blob as a file download (the web host's way of saving; Electron shows its dialog). */
export function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export const downloadText = (text: string, name: string, type = 'text/plain') =>
  download(new Blob([text], { type: `${type};charset=utf-8` }), name)

/** An SVG drawn onto a canvas at up to twice its size, as a crisp PNG. */
export async function svgToPng(svg: string): Promise<Blob> {
  const m = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svg)
  const [w, h] = m ? [Number(m[1]), Number(m[2])] : [800, 600]
  const scale = Math.min(2, 16000 / Math.max(w, h))
  const img = new Image()
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
  await img.decode()
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(w * scale)
  canvas.height = Math.round(h * scale)
  const ctx = canvas.getContext('2d')!
  ctx.scale(scale, scale)
  ctx.drawImage(img, 0, 0, w, h)
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'))
  if (!blob) throw new Error('the image is too large')
  return blob
}
