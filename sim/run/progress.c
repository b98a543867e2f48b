/* bt_progress: rate and ETA from the time since init. */
#include "run/progress.h"
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void bt_progress_init(bt_progress *p, const char *what, size_t total, int quiet)
{
    p->what = what;
    p->total = total;
    p->quiet = quiet;
    p->tty = isatty(fileno(stderr));
    p->started = p->last = now_s();
    p->last_done = 0;
}

static void format_eta(char *buf, size_t n, double s)
{
    if (s < 0 || s > 1e7) snprintf(buf, n, "?");
    else if (s >= 3600) snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
    else if (s >= 60) snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else snprintf(buf, n, "%.0fs", s);
}

static void draw(bt_progress *p, size_t done, double t, int final)
{
    double el = t - p->started, rate = el > 0 ? (double)done / el : 0;
    char eta[32];
    format_eta(eta, sizeof eta, rate > 0 ? (double)(p->total - done) / rate : -1);
    if (p->tty) {
        int width = 30, fill = p->total ? (int)((double)width * (double)done / (double)p->total) : width;
        char bar[64];
        for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
        bar[width] = 0;
        fprintf(stderr, "\r[%s] %zu/%zu %s  %.1f/s  ETA %s%s", bar, done, p->total, p->what, rate,
                final ? "0s" : eta, final ? "\n" : "  ");
    } else {
        fprintf(stderr, "btsim: %zu/%zu %s, %.1f/s, ETA %s\n", done, p->total, p->what, rate, final ? "0s" : eta);
    }
    fflush(stderr);
}

void bt_progress_update(bt_progress *p, size_t done)
{
    if (p->quiet) return;
    double t = now_s();
    if (t - p->last < (p->tty ? 0.2 : 5.0)) return;
    p->last = t;
    p->last_done = done;
    draw(p, done, t, 0);
}

void bt_progress_finish(bt_progress *p, size_t done)
{
    if (p->quiet) return;
    if (!p->tty && now_s() - p->started < 5.0) return;   /* short jobs stay quiet in logs */
    draw(p, done, now_s(), 1);
}
