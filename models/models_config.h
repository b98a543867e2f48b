/* Configuration of the synthetic tensor models (docs/models.md): the task, each miner's model
 * and each evaluating validator's scoring, as plain structs. The scenario module fills them from
 * a file's "task", peers[].model and peers[].scoring keys; the models library (models.h) runs
 * them. Header only, apart from the defaults (models_config.c), so that the scenario module can
 * hold these structs without depending on anything else in models/. */
#ifndef BT_MODELS_CONFIG_H
#define BT_MODELS_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define BT_MAX_OUTAGES 16   /* offline intervals per miner */

/* The task: a fixed random teacher network, inputs N(0, I) of dimension d_in, outputs logits of
 * the network's standard shape batch x d_out. */
typedef struct {
    size_t d_in, d_out;  /* input dimension; classes (the standard output width) */
    size_t hidden;       /* teacher width */
    size_t batch;        /* examples per query: every answer is batch x d_out */
    size_t holdout;      /* examples of the held-out batch that measures true quality */
    double scale;        /* teacher logit scale: larger gives more confident targets */
    uint64_t seed;       /* teacher weights and the held-out batch */
    int seeded;          /* 0: seed derives from the run's seed */
} bt_task_config;

typedef enum {
    BT_MINER_STUDENT = 0,   /* a narrower two-layer net trained online on the teacher's labels */
    BT_MINER_RANDOM,        /* answers random logits */
    BT_MINER_COPY,          /* serves another miner's model as it was `delay` epochs ago */
    BT_MINER_DISTILLED,     /* trained on the incentive-weighted mixture of other miners */
    BT_MINER_NTYPES
} bt_miner_type;

typedef struct {
    bt_miner_type type;
    size_t width;         /* student, distilled: hidden width */
    double lr;            /* SGD learning rate */
    double noise;         /* sd of Gaussian noise added to every answer's logits (random: their sd) */
    long compute;         /* SGD steps per epoch */
    size_t train_batch;   /* examples per SGD step; 0: the task's batch */
    double init_scale;    /* initial weights N(0, init_scale^2 / fan_in) */
    size_t target;        /* copy: the peer index copied */
    long delay;           /* copy: epochs of staleness */
    size_t sources;       /* distilled: miners (top by last incentive) it distils from */
    /* Outages: offline over epochs [outage_from[q], outage_to[q]) (it still trains, but answers
     * no validator's query). A stop-gap until the network's churn and timeouts (sim/net/) drive
     * it: docs/models.md, "Outages". */
    size_t noutages;
    long outage_from[BT_MAX_OUTAGES], outage_to[BT_MAX_OUTAGES];
} bt_miner_config;

typedef enum {
    BT_RULE_FISHER = 0,     /* the whitepaper's importance: loss change on removal, Taylor/Fisher */
    BT_RULE_LOO,            /* the same change computed exactly (leave one out) */
    BT_RULE_INVERSE_LOSS,   /* 1 / (loss + eps) */
    BT_RULE_SOFTMAX,        /* exp(-loss / temperature) */
    BT_RULE_RANK,           /* n - 1 - rank by loss */
    BT_RULE_NRULES
} bt_score_rule;

typedef struct {
    bt_score_rule rule;
    double ema;            /* decay of the per-miner moving average, per query: s = ema s + (1-ema) x */
    double temperature;    /* softmax rule */
    int order;             /* fisher: 1 first-order term only, 2 with the Fisher term */
    long queries;          /* batches sent per epoch */
    long every;            /* sets its weight row every `every` epochs */
    long offset;           /* its queries go out this many blocks after the previous epoch */
    size_t top_k;          /* router: miners queried per batch; 0: all */
    double router_lr;      /* router: SGD step of the gate */
    double explore;        /* router: sd of the noise on gate scores when choosing the top k */
    int distill;           /* trains a student on the mixture's output */
    size_t distill_width;
    double distill_lr;
    long distill_steps;    /* SGD steps per query */
    int stand_in;          /* with distill: the student answers for miners that do not */
} bt_eval_config;

typedef enum { BT_ROLE_NONE = 0, BT_ROLE_MINER, BT_ROLE_EVALUATOR } bt_model_role;

/* Everything the models of one run need, per peer. */
typedef struct {
    bt_task_config task;
    size_t npeers;
    bt_model_role *role;       /* [npeers] */
    bt_miner_config *miner;    /* [npeers], meaningful where role == BT_ROLE_MINER */
    bt_eval_config *eval;      /* [npeers], meaningful where role == BT_ROLE_EVALUATOR */
} bt_models_config;

void bt_task_config_default(bt_task_config *c);
void bt_miner_config_default(bt_miner_config *c);
void bt_eval_config_default(bt_eval_config *c);

/* Allocates a config for n peers, all BT_ROLE_NONE, the task at its defaults. NULL on ENOMEM. */
bt_models_config *bt_models_config_alloc(size_t npeers);
void bt_models_config_free(bt_models_config *c);

extern const char *const bt_miner_type_names[BT_MINER_NTYPES];
extern const char *const bt_score_rule_names[BT_RULE_NRULES];

#endif
