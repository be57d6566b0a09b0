/* CSV for spreadsheet programs: RFC 4180 quoting, and formula injection neutralised. */
#ifndef CASEAUDIT_CSV_H
#define CASEAUDIT_CSV_H

#include <stdbool.h>

#include "buf.h"

#define CSV_BOM "\xEF\xBB\xBF"

/* Appends one cell (NULL: empty), preceded by a comma unless it is the first of its row. A cell that begins with
 * = + - @ (or a tab or carriage return) is prefixed with ' so that no spreadsheet runs it as a formula; a cell with
 * a comma, quote, CR or LF is quoted with inner quotes doubled. */
int csv_cell(struct buf *b, const char *s, bool first);
int csv_end_row(struct buf *b);

#endif
