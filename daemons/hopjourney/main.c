/*
 * hopjourney: the journey of every packet through a lab, hop by hop, from
 * the trace rows of its daemons and the captures on its Linux nodes.
 * journey_cli.h describes the command line and the topology it reads.
 */
#include <stdio.h>

#include "journey_cli.h"

int
main(int argc, char **argv)
{
	return journey_cli(argc, argv, stdout, stderr);
}
