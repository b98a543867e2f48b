/* Shared pieces of the command line. */
#ifndef BT_CLI_H
#define BT_CLI_H

#include <errno.h>
#include <stddef.h>

int bt_cli_bench(int argc, char **argv);
int bt_cli_bench_kernel(int argc, char **argv);   /* bench_kernel.c: PHOLD events per second */
int bt_cli_bench_models(int argc, char **argv);   /* bench_models.c: models forward pass and epoch */
int bt_cli_sweep(int argc, char **argv);     /* sweep_cmd.c */
volatile int *bt_cli_install_signals(void); /* main.c */
int bt_cli_report(int argc, char **argv);   /* report.c */
long bt_cli_parse_count(const char *s, long max);
int bt_cli_parse_size(const char *s, size_t *out);
size_t bt_cli_default_max_memory(void);

#endif
