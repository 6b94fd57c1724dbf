/**
 * Prints rows as aligned columns, the first row being the header: numbers right-aligned, the
 * columns in `leftColumns` (names, labels; -1 is the last) left-aligned.
 */
export function printTable(table: string[][], { indent = '  ', leftColumns = [] as number[] } = {}): void {
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const left = new Set(leftColumns.map((c) => (c < 0 ? widths.length + c : c)));
  for (const row of table) {
    console.log(`${indent}${row.map((cell, c) => (left.has(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()}`);
  }
}
