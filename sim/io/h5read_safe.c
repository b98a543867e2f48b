/* Reading untrusted HDF5 files in a child process (see h5read_safe.h). The parent collects the
 * child's stdout through a pipe while it runs, enforces the time limit, and reads the child's
 * fate from waitpid: a normal exit passes the output and the status on; death by a signal or
 * the time limit becomes one error line. Sanitizer builds turn a sanitizer's report in the
 * child into SIGABRT, so it reads as a crash too. */
#include "io/h5read_safe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define BT_H5SAFE_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BT_H5SAFE_SANITIZED 1
#endif
#endif
#ifdef BT_H5SAFE_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

typedef struct {
    char *data;
    size_t len, cap;
} bt_h5safe_buf;

static double bt_h5safe_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the child ---- */

#ifdef BT_H5SAFE_SANITIZED
/* A sanitizer would end the child with exit status 1, which reads as fn's own status. */
static void bt_h5safe_on_sanitizer_death(void)
{
    signal(SIGABRT, SIG_DFL);
    raise(SIGABRT);
}
#endif

static void bt_h5safe_child(int out_fd, bt_h5read_safe_fn fn, void *arg)
{
    if (dup2(out_fd, STDOUT_FILENO) < 0) _exit(1);
    close(out_fd);
#ifdef BT_H5SAFE_SANITIZED
    __sanitizer_set_death_callback(bt_h5safe_on_sanitizer_death);
#endif
    int rc = fn(arg);
    fflush(stdout);
    fflush(stderr);
    /* _exit: the parent's atexit handlers (HDF5's among them) are not the child's business. */
    _exit(rc >= 0 && rc <= 125 ? rc : 1);
}

/* ---- the parent ---- */

/* Reads what is there on fd into b. 1 at end of file, 0 for more later, -1 out of memory. */
static int bt_h5safe_drain(int fd, bt_h5safe_buf *b)
{
    for (;;) {
        if (b->cap - b->len < 65536) {
            size_t cap = b->cap ? 2 * b->cap : 65536;
            char *d = realloc(b->data, cap);
            if (!d) return -1;
            b->data = d;
            b->cap = cap;
        }
        ssize_t n = read(fd, b->data + b->len, b->cap - b->len);
        if (n > 0) { b->len += (size_t)n; continue; }
        if (n == 0) return 1;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
    }
}

/* Collects the child's output until it closes its end or the deadline (0: none) passes.
 * 0 when all was read, 1 on time-out, -1 out of memory. */
static int bt_h5safe_collect(int fd, bt_h5safe_buf *b, double deadline)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
        int ms = -1;
        if (deadline > 0) {
            double left = deadline - bt_h5safe_now();
            if (left <= 0) return 1;
            ms = left > 1e6 ? 1000000000 : (int)(left * 1000.0) + 1;
        }
        int n = poll(&p, 1, ms);
        if (n < 0 && errno != EINTR) return 0;   /* cannot happen with one valid fd */
        if (n <= 0) continue;
        int r = bt_h5safe_drain(fd, b);
        if (r != 0) return r > 0 ? 0 : -1;
    }
}

/* Waits for the child; kills it at the deadline. 1 when it had to be killed, 0 when it ended
 * by itself, -1 when its status cannot be had (SIGCHLD ignored by the caller). */
static int bt_h5safe_reap(pid_t pid, int *status, double deadline, int kill_now)
{
    int killed = 0;
    if (kill_now) { kill(pid, SIGKILL); killed = 1; }
    for (;;) {
        pid_t w = waitpid(pid, status, killed || deadline <= 0 ? 0 : WNOHANG);
        if (w == pid) return killed;
        if (w < 0 && errno != EINTR) return -1;
        if (w == 0 && bt_h5safe_now() >= deadline) { kill(pid, SIGKILL); killed = 1; continue; }
        if (w == 0) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
}

int bt_h5read_safe_run(const char *path, bt_h5read_safe_fn fn, void *arg, unsigned timeout_s,
                       char *err, size_t errlen)
{
    int fds[2];
    if (!path) path = "(no file)";
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "%s: cannot start the reader: %s", path, strerror(errno));
        return -1;
    }
    fflush(stdout);   /* or the child would print the parent's buffered output again */
    fflush(stderr);
    double deadline = timeout_s ? bt_h5safe_now() + (double)timeout_s : 0;
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "%s: cannot start the reader: %s", path, strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        bt_h5safe_child(fds[1], fn, arg);
    }
    close(fds[1]);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    bt_h5safe_buf out = {0};
    int got = bt_h5safe_collect(fds[0], &out, deadline);
    close(fds[0]);
    int status = 0;
    int killed = bt_h5safe_reap(pid, &status, deadline, got != 0);
    int rc = -1;
    if (got < 0) {
        snprintf(err, errlen, "%s: out of memory while reading the report", path);
    } else if (killed < 0) {
        snprintf(err, errlen, "%s: the reader's exit status was lost", path);
    } else if (killed) {
        snprintf(err, errlen, "%s: reading the file took more than %u s and was stopped (HDF5 "
                              "hangs on some corrupt files); the file is corrupt or not a btsim run",
                 path, timeout_s);
    } else if (WIFSIGNALED(status)) {
        snprintf(err, errlen, "%s: the HDF5 library crashed reading this file (%s); the file is "
                              "corrupt or not a btsim run",
                 path, strsignal(WTERMSIG(status)));
    } else if (WIFEXITED(status)) {
        rc = WEXITSTATUS(status);
        if (out.len && (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0))
            rc = rc ? rc : 1;
    } else {
        snprintf(err, errlen, "%s: the reader stopped unexpectedly", path);
    }
    free(out.data);
    return rc;
}
