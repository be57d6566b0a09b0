/* The audit report for the legal affairs office: HTML (self-contained, printable, inline SVG), CSV and JSON. */
#ifndef CASEAUDIT_REPORT_H
#define CASEAUDIT_REPORT_H

#include <jansson.h>
#include <stdio.h>

/* data: the object of ca_report (sql/0013). format: "html", "csv" or "json". Returns 0, or -1 on a write error. */
int report_write(const json_t *data, const char *format, FILE *out);

#endif
