/**
 * The rows of the plugin's table in what a run printed, without their figures (noisy between runs):
 * file, check, test, cycles, verdict. Lines under a row (why a check was cut short) are not rows.
 */
export function tableRows(text: string): string[][] {
  const start = text.indexOf(' Memory budgets\n')
  if (start < 0) throw new Error(`no memory table in:\n${text}`)
  const end = text.indexOf('\n\n', start + 1)
  let file = ''
  const rows: string[][] = []
  const lines = text.slice(start, end).split('\n').slice(2)
  for (const line of lines) {
    if (/^ {2}\S/.test(line)) file = line.trim()
    else if (/^ {4}\S/.test(line)) {
      const cells = line.trim().split(/ {2,}/)
      rows.push([file, cells[0]!, cells[1]!, cells[2]!, cells.at(-1)!])
    }
  }
  return rows
}
