/* libFuzzer target for sweep files (bt_sweep_load, then a plan for the first and last runs).
 *
 * The input is written as sweep.json into a private temporary directory that also holds
 * base.json, a small valid scenario with two groups, so a mutated sweep can name it ("base":
 * "base.json") as well as give an inline base. A "base" naming any other file is skipped: the
 * loader would read whatever path it names (/dev/zero, a FIFO), which is the user's business,
 * not a bug. The contract checked: 0 with a plan for every run asked, or BT_EXIT_BAD_INPUT with
 * one non-empty line in err. Built by `make fuzz`; replayed by tests/fuzz/replay.c. */
#include "scenario/sweep.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fz_base[] =
    "{\"name\": \"fz\", \"epochs\": 3, \"mechanism\": {\"kind\": \"yuma3\"},\n"
    " \"peers\": [{\"name\": \"V\", \"stake\": 3, \"group\": \"honest\"},\n"
    "           {\"name\": \"C\", \"stake\": 1, \"group\": \"cabal\"},\n"
    "           {\"name\": \"S\", \"stake\": 0, \"group\": \"honest\"}],\n"
    " \"weights\": [{\"epoch\": 0, \"from\": [\"V\", \"C\"], \"to\": {\"S\": 1}}]}\n";

static char fz_dir[256];

static int fz_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int rc = fwrite(data, 1, n, f) == n ? 0 : -1;
    return fclose(f) == 0 ? rc : -1;
}

static int fz_setup(void)
{
    if (fz_dir[0]) return 0;
    const char *tmp = getenv("TMPDIR");
    snprintf(fz_dir, sizeof fz_dir, "%s/btsim_fuzz_sweep.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    char base[300];
    if (!mkdtemp(fz_dir)) { fz_dir[0] = '\0'; return -1; }
    snprintf(base, sizeof base, "%s/base.json", fz_dir);
    return fz_write(base, fz_base, sizeof fz_base - 1);
}

/* 1 when the input's "base" is inline, absent, or the file base.json; 0 for any other file. */
static int fz_base_allowed(const uint8_t *data, size_t size)
{
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "base");
    int ok = !cJSON_IsString(b) || strcmp(b->valuestring, "base.json") == 0;
    cJSON_Delete(j);
    return ok;
}

static void fz_plan(const bt_sweep *sw, size_t r)
{
    bt_scenario base;
    char err[1024];
    const char *const *sets = (const char *const *)sw->fixed;
    if (bt_scenario_parse(sw->base_path, sw->base_text, sw->base_len, sets, sw->nfixed, &base, err,
                          sizeof err))
        abort();   /* the loader checked exactly this */
    bt_sweep_plan p;
    if (bt_sweep_plan_run(sw, &base, r, &p) == 0) {
        bt_scenario run;   /* as sweep_run.c does: the run may still be refused, cleanly */
        if (bt_scenario_parse(sw->base_path, sw->base_text, sw->base_len, (const char *const *)p.sets,
                              p.nsets, &run, err, sizeof err) == 0)
            bt_scenario_free(&run);
        bt_sweep_plan_free(&p);
    }
    bt_scenario_free(&base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (fz_setup() < 0 || !fz_base_allowed(data, size)) return 0;
    char path[300];
    snprintf(path, sizeof path, "%s/sweep.json", fz_dir);
    if (fz_write(path, data, size) < 0) return 0;
    bt_sweep sw;
    char err[2048];
    err[0] = '\0';
    int rc = bt_sweep_load(path, &sw, err, sizeof err);
    if (rc == 0) {
        fz_plan(&sw, 0);
        fz_plan(&sw, sw.nruns - 1);
        bt_sweep_free(&sw);
    } else if (rc != BT_EXIT_BAD_INPUT || err[0] == '\0' || strchr(err, '\n')) {
        fprintf(stderr, "fuzz_sweep: broken error contract: rc %d, err \"%s\"\n", rc, err);
        abort();
    }
    return 0;
}
