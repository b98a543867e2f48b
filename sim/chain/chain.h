/* The chain's life cycle around the epoch (spec chain-yuma.md sections 2 and 3.5, subtensor's
 * registration and weights pallets): UIDs and registration into a full subnet (the peer with
 * the lowest pruning score outside its immunity period is replaced), the storage a
 * replacement clears, stake held while unregistered, the weights rate limit, and
 * commit-reveal (commits revealed reveal_period epochs later; the mask of spec 3.5 step 5).
 * It edits a bt_subnet between epochs and knows nothing of the kernel or of agents. */
#ifndef BT_CHAIN_H
#define BT_CHAIN_H

#include <stddef.h>
#include <stdint.h>
#include "mechanism/subnet.h"
#include "scenario/scenario.h"

typedef struct bt_chain bt_chain;

/* n peers (identities); spec is copied (set_param edits the copy: bt_chain_settings). */
bt_chain *bt_chain_alloc(size_t n, const bt_chain_spec *spec);
void bt_chain_free(bt_chain *c);
bt_chain_spec *bt_chain_settings(bt_chain *c);

/* ---- registration ---- */

/* Marks p registered at block 0 (the scenario's initial peers), in UID order. */
void bt_chain_register_initial(bt_chain *c, size_t p);
/* The peers initially unregistered hold their stake outside the subnet: moves it out of
 * net->stake. Call once after the initial registrations. */
void bt_chain_settle_initial(bt_chain *c, bt_subnet *net);
int bt_chain_is_registered(const bt_chain *c, size_t p);
/* UID of p, or -1 when unregistered. */
long bt_chain_uid(const bt_chain *c, size_t p);
size_t bt_chain_count(const bt_chain *c);

/* Registers p at net->current_block. When the subnet holds max_uids peers, the registered
 * peer with the lowest pruning score (score[], the last epoch's emission) among those past
 * their immunity period is replaced (ties: earlier registration, then lower UID; if all are
 * immune, the lowest immune one; the owner is never pruned). Returns the pruned peer, -1 when
 * none was, -2 when p is already registered or nobody can be pruned, -3 on ENOMEM. */
long bt_chain_register(bt_chain *c, bt_subnet *net, size_t p, const double *score, long owner);

/* ---- stake (tokens) ---- */

/* Stake p holds, registered or not. */
double bt_chain_stake(const bt_chain *c, const bt_subnet *net, size_t p);
void bt_chain_set_stake(bt_chain *c, bt_subnet *net, size_t p, double s);

/* ---- weights ---- */

/* check_rate_limit: a first set (LastUpdate 0) or weights_rate_limit blocks since the last. */
int bt_chain_rate_ok(const bt_chain *c, const bt_subnet *net, size_t p);
/* Stores a commit of p's row at net->current_block, to be revealed before epoch
 * reveal_epoch; LastUpdate becomes the commit block. 0, 1 (10 commits pending), -1 ENOMEM. */
int bt_chain_commit(bt_chain *c, bt_subnet *net, size_t p, long reveal_epoch, const size_t *to,
                    const double *w, size_t k);
/* Reveals the commits due at epoch e (in commit order) into net's weight rows; LastUpdate stays
 * the commit block. fn (may be NULL) hears of each reveal. 0 or -1 (ENOMEM). */
typedef void (*bt_chain_reveal_fn)(void *ctx, size_t peer, int64_t commit_block);
int bt_chain_reveal(bt_chain *c, bt_subnet *net, long e, bt_arith arith, bt_chain_reveal_fn fn,
                    void *ctx);
/* Commits of p not yet revealed. */
size_t bt_chain_pending(const bt_chain *c, size_t p);
/* Spec 3.5 step 5 for the epoch about to run: rows of validators whose oldest pending commit
 * is older than a target's registration lose that entry; mask_end puts the stored rows back.
 * 0 or -1 (ENOMEM; nothing is left swapped). */
int bt_chain_mask_begin(bt_chain *c, bt_subnet *net);
void bt_chain_mask_end(bt_chain *c, bt_subnet *net);

#endif
