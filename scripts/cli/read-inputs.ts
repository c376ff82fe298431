// The readers of the files the CLI is given: one receipt (one JSON value) or
// one ledger export (JSON lines), each with the strict parser, so that no
// file is read two ways (duplicate keys, __proto__). A failure names the file
// (and the line) for the CLI's exit 2.
import { parseStrictJson } from '@registry-bus/protocol';
import type { LedgerExportLine, Receipt, UnanchoredReceipt } from '@registry-bus/receipts';

/**
 * A receipt, or the 202 answer of an entry not yet anchored saved whole
 * (`{status: "not-yet-anchored", …, receipt}`): its receipt, the entry alone.
 */
export function readReceipt(text: string, file: string): Receipt | UnanchoredReceipt {
  try {
    const read = parseStrictJson(text, 'the receipt') as Receipt | { status?: unknown; receipt?: UnanchoredReceipt };
    return 'status' in read && read.status === 'not-yet-anchored' && read.receipt !== undefined
      ? read.receipt
      : (read as Receipt);
  } catch (error) {
    throw new Error(`${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

export function readLedgerExport(text: string, file: string): LedgerExportLine[] {
  const lines: LedgerExportLine[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      lines.push(parseStrictJson(line, 'the export line') as LedgerExportLine);
    } catch (error) {
      throw new Error(`${file} line ${i + 1} cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }
  return lines;
}

/** An export begins with its header line; anything else is read as a receipt. */
export function readReceiptOrExport(
  text: string,
  file: string,
): { kind: 'receipt'; receipt: Receipt | UnanchoredReceipt } | { kind: 'export'; lines: LedgerExportLine[] } {
  const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
  let first: unknown;
  try {
    first = parseStrictJson(firstLine, 'the export line');
  } catch {
    // A receipt printed on several lines: its first line is no JSON of its own.
  }
  const isExport = typeof first === 'object' && first !== null && (first as { kind?: unknown }).kind === 'header';
  return isExport
    ? { kind: 'export', lines: readLedgerExport(text, file) }
    : { kind: 'receipt', receipt: readReceipt(text, file) };
}
