/* Shared pieces of the command line. */
#ifndef BT_CLI_H
#define BT_CLI_H

#include <errno.h>

int bt_cli_bench(int argc, char **argv);
long bt_cli_parse_count(const char *s, long max);

#endif
