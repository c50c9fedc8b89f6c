export interface Row {
  figure: string
  value: string
  ratio?: string
  note?: string
}

export const ms = (value: number) => `${value.toFixed(1)} ms`
export const perSecond = (value: number) => `${Math.round(value).toLocaleString('en')}/s`
export const times = (value: number) => `${value.toFixed(2)}×`

export function printTable(rows: Row[]): void {
  const lines = [
    '| figure | value | ratio | what the ratio compares |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.figure} | ${r.value} | ${r.ratio ?? ''} | ${r.note ?? ''} |`),
  ]
  console.log(lines.join('\n'))
}
