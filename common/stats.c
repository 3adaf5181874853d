/* Named counters flattened for the control socket. */
#include "stats.h"

void
stats_json_add(json_t *obj, const uint64_t *values, const char *const *names,
	       size_t n)
{
	for (size_t i = 0; i < n; i++)
		json_object_set_new(obj, names[i],
				    json_integer((json_int_t)values[i]));
}

json_t *
stats_json(const uint64_t *values, const char *const *names, size_t n)
{
	json_t *obj = json_object();

	stats_json_add(obj, values, names, n);
	return obj;
}
