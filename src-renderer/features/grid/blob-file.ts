const MAX_BLOB_FILE = 16 * 1048576
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** A file's bytes as a BLOB cell's hex, or why it cannot be one (too big to hold in a cell). */
export async function blobFromFile(file: File): Promise<{ hex: string; bytes: number } | { error: string }> {
  if (file.size > MAX_BLOB_FILE)
    return {
      error: `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; files up to ${MAX_BLOB_FILE / 1048576} MB can be loaded into a cell`,
    }
  const bytes = new Uint8Array(await file.arrayBuffer())
  let hex = ''
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]]
  return { hex, bytes: bytes.length }
}
