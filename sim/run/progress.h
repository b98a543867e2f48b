/* Progress on stderr for long runs and sweeps: a bar redrawn in place when stderr is a
 * terminal, plain lines every few seconds otherwise (logs, CI), nothing when quiet. */
#ifndef BT_PROGRESS_H
#define BT_PROGRESS_H

#include <stddef.h>

typedef struct {
    const char *what;        /* "runs", "epochs" */
    size_t total;
    int quiet, tty;
    double started, last;
    size_t last_done;
} bt_progress;

void bt_progress_init(bt_progress *p, const char *what, size_t total, int quiet);
/* Reports `done` of total (at most every 0.2 s on a terminal, every 5 s otherwise). */
void bt_progress_update(bt_progress *p, size_t done);
/* The final line (always, unless quiet). */
void bt_progress_finish(bt_progress *p, size_t done);

#endif
