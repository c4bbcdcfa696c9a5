// Text from definitions placed in a generated Markdown table cell: it must stay one cell of plain text.
export function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
