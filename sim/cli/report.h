/* The report command's pieces shared by report.c (one run) and report_sweep.c (a sweep). */
#ifndef BT_REPORT_H
#define BT_REPORT_H

#include <stddef.h>

/* The table of a sweep directory (DIR/summary.h5), `rows` evenly spaced rows (0: all). Returns
 * 0, 2 for a directory that is not a readable sweep, 1 when out of memory. */
int bt_report_sweep(const char *dir, int csv, long rows);

/* Prints a CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
void bt_report_csv_field(const char *s);

/* Index of row q of `rows` evenly spaced rows over n (first and last included). */
size_t bt_report_row(size_t q, size_t rows, size_t n);

#endif
