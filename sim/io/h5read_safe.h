/* Reading an untrusted HDF5 file without trusting the HDF5 library. HDF5 1.10.8 crashes or
 * hangs on some corrupt files however carefully the caller checks what it reads
 * (docs/reliability.md), so a command that opens a file it did not write (`btsim report`) runs
 * its reading in a child process: a crash or a hang there becomes one clear error line. */
#ifndef BT_H5READ_SAFE_H
#define BT_H5READ_SAFE_H

#include <stddef.h>

/* The work to isolate: reads the file (through io/h5read), prints its results on stdout and
 * its own errors on stderr, and returns an exit status 0..125. */
typedef int (*bt_h5read_safe_fn)(void *arg);

/* Runs fn(arg) in a forked child. What the child prints on stdout is held back and passed on
 * only if it exits normally, so a crash never leaves half a report; its stderr goes straight
 * through (a sanitizer build's report lands there). timeout_s 0 means no time limit.
 * Returns fn's status (0..125; others become 1) when the child exited normally, or -1 with one
 * line in err naming `path`: the child was killed by a signal (a crash in the library, or in a
 * sanitizer build any error it found), ran past timeout_s, or could not be started. */
int bt_h5read_safe_run(const char *path, bt_h5read_safe_fn fn, void *arg, unsigned timeout_s,
                       char *err, size_t errlen);

#endif
