/* The control commands of an IPv4 node, declared once for every daemon
 * that is one (arg: the struct ipnode). */
#ifndef HOPLAB_IPNODE_CMD_H
#define HOPLAB_IPNODE_CMD_H

#include "ctl.h"
#include "ipnode.h"

extern const struct ctl_cmd ipnode_cmds[];
extern const size_t ipnode_ncmds;

/* Adds the node's counters (its own, ARP's, reassembly's) to obj. */
void ipnode_stats_json(const struct ipnode *n, json_t *obj);

#endif
