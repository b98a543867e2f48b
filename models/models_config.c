/* Defaults of the models' configuration (models_config.h), the one place they are written;
 * docs/models.md lists the same values. */
#include "models_config.h"
#include <stdlib.h>

const char *const bt_miner_type_names[BT_MINER_NTYPES] = {"student", "random", "copy", "distilled"};
const char *const bt_score_rule_names[BT_RULE_NRULES] = {"fisher", "loo", "inverse_loss", "softmax", "rank"};

void bt_task_config_default(bt_task_config *c)
{
    c->d_in = 16;
    c->d_out = 10;
    c->hidden = 32;
    c->batch = 32;
    c->holdout = 256;
    c->scale = 3.0;
    c->seed = 0;
    c->seeded = 0;
}

void bt_miner_config_default(bt_miner_config *c)
{
    c->type = BT_MINER_STUDENT;
    c->width = 16;
    c->lr = 0.5;
    c->noise = 0.0;
    c->compute = 4;
    c->train_batch = 0;
    c->init_scale = 1.0;
    c->target = 0;
    c->delay = 0;
    c->sources = 4;
    c->noutages = 0;
}

void bt_eval_config_default(bt_eval_config *c)
{
    c->rule = BT_RULE_FISHER;
    c->ema = 0.9;
    c->temperature = 0.1;
    c->order = 2;
    c->queries = 4;
    c->every = 1;
    c->top_k = 0;
    c->router_lr = 1.0;
    c->explore = 0.1;
    c->distill = 0;
    c->distill_width = 16;
    c->distill_lr = 0.5;
    c->distill_steps = 1;
    c->stand_in = 1;
}

bt_models_config *bt_models_config_alloc(size_t npeers)
{
    bt_models_config *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    size_t m = npeers ? npeers : 1;
    c->npeers = npeers;
    c->role = calloc(m, sizeof *c->role);
    c->miner = calloc(m, sizeof *c->miner);
    c->eval = calloc(m, sizeof *c->eval);
    if (!c->role || !c->miner || !c->eval) {
        bt_models_config_free(c);
        return NULL;
    }
    bt_task_config_default(&c->task);
    for (size_t i = 0; i < npeers; i++) {
        bt_miner_config_default(&c->miner[i]);
        bt_eval_config_default(&c->eval[i]);
    }
    return c;
}

void bt_models_config_free(bt_models_config *c)
{
    if (!c) return;
    free(c->role);
    free(c->miner);
    free(c->eval);
    free(c);
}
