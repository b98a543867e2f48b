/* Replays files through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so that
 * `make test` (gcc, no clang needed) and `make asan` run every kept crash and the seed corpus
 * through the same entry point the fuzzer used. Linked with one tests/fuzz/fuzz_*.c.
 * Usage: replay FILE...   Prints one line per failure to read and a count; a crash is a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        uint8_t *bigger = realloc(buf, cap * 2);
        if (!bigger) { free(buf); buf = NULL; break; }
        buf = bigger;
        cap *= 2;
    }
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) { free(buf); return -1; }
    /* An exact-size copy, so that ASan sees a read past the input's end as libFuzzer would. */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) { free(buf); return -1; }
    for (size_t i = 0; i < n; i++) exact[i] = buf[i];
    free(buf);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

int main(int argc, char **argv)
{
    int done = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        if (replay_file(argv[i]) < 0) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            failed++;
        } else {
            done++;
        }
    }
    printf("replayed %d inputs\n", done);
    return failed ? 1 : 0;
}
