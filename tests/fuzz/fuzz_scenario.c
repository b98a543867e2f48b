/* libFuzzer target for the scenario parser and validator (bt_scenario_parse).
 *
 * Each input is parsed three ways:
 *   1. the whole input as a scenario file, no overrides (NUL bytes and all);
 *   2. when the input holds a NUL byte: the text before it as the scenario and the NUL-separated
 *      pieces after it (at most FZ_MAX_SETS) as --set overrides, so the fuzzer can learn
 *      override syntax ("mechanism.kappa=0.3", "peers[2].stake=1e999", ...);
 *   3. otherwise: the whole input with two overrides picked by its first and last bytes from a
 *      table of key paths and values that hit every part of the schema.
 * The contract checked: 0 with a scenario, or BT_EXIT_BAD_INPUT with exactly one non-empty line
 * in err; never a crash, a leak, or undefined behaviour (the sanitizers watch the rest).
 * Built by `make fuzz` (clang, -fsanitize=fuzzer); tests/fuzz/replay.c replays files through it
 * with gcc in `make test`. */
#include "scenario/scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FZ_MAX_SETS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fz_keys[] = {
    "epochs", "seed", "name", "description", "mechanism.kind", "mechanism.arithmetic",
    "mechanism.kappa", "mechanism.bonds_penalty", "mechanism.bonds_moving_average",
    "mechanism.liquid_alpha.enabled", "mechanism.liquid_alpha.alpha_low", "mechanism.tempo",
    "mechanism.max_allowed_validators", "mechanism.activity_cutoff", "mechanism.owner",
    "peers[0].stake", "peers[0].name", "peers[1]", "peers[300].stake", "peers", "weights[0].to",
    "weights[0].from", "weights[0].epoch", "weights[0].every", "weights", "events[0].epoch",
    "events[0].type", "events", "output.bonds", "output.weights", "mechanism", "",
    "peers[-1].stake", "peers[99999999999999999999].stake", "a..b", "x[",
};

static const char *const fz_values[] = {
    "0", "1", "-1", "0.5", "1e999", "-1e999", "1e308", "2.5", "4294967296", "9007199254740993",
    "\"yuma\"", "\"yuma3\"", "\"fixed\"", "\"float\"", "true", "false", "null", "[]", "{}",
    "\"\"", "[1,2]", "{\"V\": 1}", "{\"kind\": \"yuma\"}", "\"V\"", "nan", "abc", "[[[[",
    "{\"name\": \"Z\", \"stake\": 3}", "[{\"name\": \"Z\", \"stake\": 1}]", "10000000",
};

#define FZ_N(a) (sizeof(a) / sizeof((a)[0]))

/* Parses text with the overrides and checks the error contract. */
static void fz_parse(const char *text, size_t len, const char *const *sets, size_t nsets)
{
    bt_scenario sc;
    char err[1024];
    err[0] = '\0';
    int rc = bt_scenario_parse("fuzz.json", text, len, sets, nsets, &sc, err, sizeof err);
    if (rc == 0) {
        bt_scenario_free(&sc);
        return;
    }
    if (rc != BT_EXIT_BAD_INPUT || err[0] == '\0' || strchr(err, '\n')) {
        fprintf(stderr, "fuzz_scenario: broken error contract: rc %d, err \"%s\"\n", rc, err);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    fz_parse(text, size, NULL, 0);

    const char *nul = memchr(text, '\0', size);
    if (nul) {
        /* Copies, so that each override is a C string and the fuzzer's buffer stays intact. */
        char *rest = malloc(size - (size_t)(nul - text) + 1);
        if (!rest) return 0;
        size_t rlen = size - (size_t)(nul - text) - 1;
        memcpy(rest, nul + 1, rlen);
        rest[rlen] = '\0';
        const char *sets[FZ_MAX_SETS];
        size_t nsets = 0;
        for (char *p = rest; nsets < FZ_MAX_SETS && p <= rest + rlen; p += strlen(p) + 1)
            sets[nsets++] = p;
        fz_parse(text, (size_t)(nul - text), sets, nsets);
        free(rest);
        return 0;
    }
    if (size == 0) return 0;
    char set0[256], set1[256];
    unsigned a = data[0], b = data[size - 1];
    snprintf(set0, sizeof set0, "%s=%s", fz_keys[a % FZ_N(fz_keys)], fz_values[b % FZ_N(fz_values)]);
    snprintf(set1, sizeof set1, "%s=%s", fz_keys[(a / 7 + b) % FZ_N(fz_keys)],
             fz_values[(a + b / 3) % FZ_N(fz_values)]);
    const char *sets[2] = {set0, set1};
    fz_parse(text, size, sets, 2);
    return 0;
}
