/* Loading a journey: the lab's topology and every daemon's trace rows. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ether.h"
#include "journey.h"

#define WHERE_MAX 320

void
journey_init(struct journey *j)
{
	memset(j, 0, sizeof(*j));
	j->slack = JOURNEY_SLACK;
}

void
journey_free(struct journey *j)
{
	for (size_t i = 0; i < j->n_rows; i++) {
		json_decref(j->rows[i].obj);
		free(j->rows[i].owned_out);
	}
	for (size_t i = 0; i < j->n_packets; i++)
		free(j->packets[i].hops);
	free(j->rows);
	free(j->packets);
	free(j->nodes);
	free(j->links);
	free(j->macs);
	json_decref(j->topo);
	journey_init(j);
}

void
journey_warnf(struct journey *j, const char *fmt, ...)
{
	char msg[JOURNEY_ERR_MAX];
	va_list ap;

	if (!j->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	j->warn(j->warn_arg, msg);
}

int
journey_fail(struct journey *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* --- topology --------------------------------------------------------- */

static struct journey_node *
node_find(const struct journey *j, const char *name)
{
	for (size_t i = 0; i < j->n_nodes; i++)
		if (strcmp(j->nodes[i].name, name) == 0)
			return &j->nodes[i];
	return NULL;
}

const struct journey_node *
journey_node(const struct journey *j, const char *name)
{
	return node_find(j, name);
}

const char *
journey_mac(const struct journey *j, const char *node, const char *ifname)
{
	for (size_t i = 0; i < j->n_macs; i++)
		if (strcmp(j->macs[i].node, node) == 0 &&
		    strcmp(j->macs[i].ifname, ifname) == 0)
			return j->macs[i].mac;
	return NULL;
}

int
journey_peer(const struct journey *j, const char *node, const char *port,
	     const char **peer, const char **peer_if)
{
	for (size_t i = 0; i < j->n_links; i++) {
		const struct journey_link *l = &j->links[i];

		if (strcmp(l->a, node) == 0 && strcmp(l->a_if, port) == 0) {
			*peer = l->b;
			*peer_if = l->b_if;
			return 0;
		}
		if (strcmp(l->b, node) == 0 && strcmp(l->b_if, port) == 0) {
			*peer = l->a;
			*peer_if = l->a_if;
			return 0;
		}
	}
	return -1;
}

/* The non-empty string at key of o, or NULL. */
static const char *
topo_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : NULL;
}

static int
topo_nodes(struct journey *j, const char *name, json_t *nodes)
{
	size_t i;
	json_t *n;

	if (!json_is_array(nodes))
		return journey_fail(j, "%s: \"nodes\" is not an array", name);
	if (json_array_size(nodes) > JOURNEY_NODES_MAX)
		return journey_fail(j, "%s: more than %d nodes", name,
				    JOURNEY_NODES_MAX);
	j->nodes = calloc(json_array_size(nodes) + 1, sizeof(*j->nodes));
	if (!j->nodes)
		return journey_fail(j, "%s: out of memory", name);
	json_array_foreach(nodes, i, n)
	{
		const char *nn = topo_str(n, "name");
		const char *kind = topo_str(n, "kind");

		if (!nn || !kind)
			return journey_fail(
			    j, "%s: nodes[%zu] needs a \"name\" and a \"kind\"",
			    name, i);
		if (journey_node(j, nn))
			return journey_fail(j, "%s: node '%s' twice", name, nn);
		j->nodes[j->n_nodes].name = nn;
		j->nodes[j->n_nodes++].kind = kind;
	}
	return 0;
}

static int
topo_links(struct journey *j, const char *name, json_t *links)
{
	const char *peer, *peer_if;
	size_t i;
	json_t *l;

	if (!json_is_array(links))
		return journey_fail(j, "%s: \"links\" is not an array", name);
	j->links = calloc(json_array_size(links) + 1, sizeof(*j->links));
	if (!j->links)
		return journey_fail(j, "%s: out of memory", name);
	json_array_foreach(links, i, l)
	{
		struct journey_link k = {topo_str(l, "a"), topo_str(l, "a_if"),
					 topo_str(l, "b"), topo_str(l, "b_if")};

		if (!k.a || !k.a_if || !k.b || !k.b_if)
			return journey_fail(j,
					    "%s: links[%zu] needs \"a\", "
					    "\"a_if\", \"b\" and \"b_if\"",
					    name, i);
		if (!journey_node(j, k.a) || !journey_node(j, k.b))
			return journey_fail(
			    j, "%s: links[%zu] joins a node not in \"nodes\"",
			    name, i);
		if (journey_peer(j, k.a, k.a_if, &peer, &peer_if) == 0 ||
		    journey_peer(j, k.b, k.b_if, &peer, &peer_if) == 0 ||
		    (strcmp(k.a, k.b) == 0 && strcmp(k.a_if, k.b_if) == 0))
			return journey_fail(
			    j, "%s: links[%zu] uses a port already linked",
			    name, i);
		j->links[j->n_links++] = k;
	}
	return 0;
}

static int
topo_macs(struct journey *j, const char *name, json_t *macs)
{
	const char *port;
	json_t *v;

	if (!json_is_object(macs))
		return journey_fail(j, "%s: \"macs\" is not an object", name);
	j->macs = calloc(json_object_size(macs) + 1, sizeof(*j->macs));
	if (!j->macs)
		return journey_fail(j, "%s: out of memory", name);
	json_object_foreach(macs, port, v)
	{
		struct journey_mac *m = &j->macs[j->n_macs];
		const char *colon = strchr(port, ':');
		const char *s = json_string_value(v);
		const struct journey_node *n;
		uint8_t mac[ETHER_ADDR_LEN];

		if (!colon || !colon[1] || !s || ether_aton_buf(s, mac) < 0)
			return journey_fail(
			    j,
			    "%s: macs: \"%s\" needs the form "
			    "\"NODE:IF\": \"aa:bb:cc:dd:ee:ff\"",
			    name, port);
		for (n = j->nodes; n < j->nodes + j->n_nodes; n++)
			if (strncmp(n->name, port, (size_t)(colon - port)) ==
				0 &&
			    n->name[colon - port] == '\0')
				break;
		if (n == j->nodes + j->n_nodes)
			return journey_fail(j, "%s: macs: \"%s\": no such node",
					    name, port);
		ether_ntoa_buf(mac, m->mac);
		m->node = n->name;
		m->ifname = colon + 1;
		j->n_macs++;
	}
	return 0;
}

int
journey_load_topology(struct journey *j, const char *name, const char *text,
		      size_t len)
{
	json_error_t e;
	json_t *t, *v;

	if (j->topo)
		return journey_fail(j, "%s: a topology is loaded already",
				    name);
	t = json_loadb(text, len, 0, &e);
	if (!t)
		return journey_fail(j, "%s:%d:%d: %s", name, e.line, e.column,
				    e.text);
	j->topo = t;
	if (!json_is_object(t))
		return journey_fail(j, "%s: not a JSON object", name);
	j->lab = topo_str(t, "lab");
	if (topo_nodes(j, name, json_object_get(t, "nodes")) < 0)
		return -1;
	if ((v = json_object_get(t, "links")) && topo_links(j, name, v) < 0)
		return -1;
	if ((v = json_object_get(t, "macs")) && topo_macs(j, name, v) < 0)
		return -1;
	return 0;
}

/* --- trace rows ------------------------------------------------------- */

enum field_type {
	FIELD_TIME,	/* a number of seconds, required */
	FIELD_STR,	/* a string, required */
	FIELD_TEXT,	/* a string, "" when absent */
	FIELD_STR_NULL, /* a string or null, null when absent */
	FIELD_TTL,	/* an integer 0..255 or null, null when absent */
};

/* The fields of a trace row and where they go. */
static const struct row_field {
	const char *key;
	enum field_type type;
	size_t offset;
} row_fields[] = {
#define F(key, type, member)                                                   \
	{                                                                      \
		key, type, offsetof(struct journey_row, member)                \
	}
    F("time", FIELD_TIME, time),
    F("node", FIELD_STR, node),
    F("key", FIELD_STR, key),
    F("in", FIELD_STR_NULL, in),
    F("out", FIELD_STR_NULL, out),
    F("summary", FIELD_TEXT, summary),
    F("proto", FIELD_TEXT, proto),
    F("flags", FIELD_TEXT, flags),
    F("decision", FIELD_TEXT, decision),
    F("src_ip", FIELD_STR_NULL, src_ip),
    F("dst_ip", FIELD_STR_NULL, dst_ip),
    F("in_src_mac", FIELD_STR_NULL, in_src_mac),
    F("in_dst_mac", FIELD_STR_NULL, in_dst_mac),
    F("out_src_mac", FIELD_STR_NULL, out_src_mac),
    F("out_dst_mac", FIELD_STR_NULL, out_dst_mac),
    F("in_ttl", FIELD_TTL, in_ttl),
    F("out_ttl", FIELD_TTL, out_ttl),
#undef F
};

/* Reads one field of o into r; the reason when it cannot, or NULL. */
static const char *
row_field_read(json_t *o, const struct row_field *f, struct journey_row *r)
{
	json_t *v = json_object_get(o, f->key);
	void *p = (char *)r + f->offset;
	const char *s = json_string_value(v);

	switch (f->type) {
	case FIELD_TIME:
		if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		    json_number_value(v) < 0)
			return "is not a time in seconds";
		*(double *)p = json_number_value(v);
		return NULL;
	case FIELD_STR:
		if (!s || !*s)
			return "is not a string";
		*(const char **)p = s;
		return NULL;
	case FIELD_TEXT:
		if (v && !s)
			return "is not a string";
		*(const char **)p = s ? s : "";
		return NULL;
	case FIELD_STR_NULL:
		if (v && !json_is_null(v) && (!s || !*s))
			return "is neither a string nor null";
		*(const char **)p = s;
		return NULL;
	case FIELD_TTL:
		if (v && !json_is_null(v) &&
		    (!json_is_integer(v) || json_integer_value(v) < 0 ||
		     json_integer_value(v) > 255))
			return "is neither a TTL nor null";
		*(int *)p =
		    json_is_integer(v) ? (int)json_integer_value(v) : -1;
		return NULL;
	}
	return "has an unknown type";
}

int
journey_grow_rows(struct journey *j)
{
	size_t cap = j->cap_rows ? j->cap_rows * 2 : 64;
	struct journey_row *rows;

	if (j->n_rows < j->cap_rows)
		return 0;
	rows = realloc(j->rows, cap * sizeof(*rows));
	if (!rows)
		return journey_fail(j, "out of memory for rows");
	j->rows = rows;
	j->cap_rows = cap;
	return 0;
}

int
journey_add_row(struct journey *j, json_t *o, const char *where)
{
	struct journey_row r = {.pred = -1};
	struct journey_node *n;

	if (!json_is_object(o)) {
		journey_warnf(j, "%s: not a row object; skipped", where);
		return 0;
	}
	for (size_t i = 0; i < sizeof(row_fields) / sizeof(row_fields[0]);
	     i++) {
		const char *why = row_field_read(o, &row_fields[i], &r);

		if (why) {
			journey_warnf(j, "%s: \"%s\" %s; row skipped", where,
				      row_fields[i].key, why);
			return 0;
		}
	}
	if (j->n_rows >= JOURNEY_ROWS_MAX)
		return journey_fail(j, "%s: more than %d rows", where,
				    JOURNEY_ROWS_MAX);
	if (journey_grow_rows(j) < 0)
		return -1;
	if ((n = node_find(j, r.node)))
		n->traced = true;
	r.obj = json_incref(o);
	r.order = j->n_rows;
	j->rows[j->n_rows++] = r;
	return 1;
}

/* A reply's last line: {"ok":true}, or {"ok":false,"error":...}, which
 * fails. Returns 1 when o is one, 0 when not, -1 on failure. */
static int
reply_end(struct journey *j, const char *where, json_t *o)
{
	json_t *ok = json_object_get(o, "ok");
	const char *why;

	if (!json_is_boolean(ok))
		return 0;
	if (json_is_true(ok))
		return 1;
	why = json_string_value(json_object_get(o, "error"));
	return journey_fail(j, "%s: the daemon replied with an error: %s",
			    where, why ? why : "(no message)");
}

int
journey_add_line(struct journey *j, const char *file, unsigned lineno,
		 const char *line, size_t len)
{
	char where[WHERE_MAX];
	json_error_t e;
	json_t *v, *o;
	size_t i;
	int rc = 0;

	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	for (i = 0; i < len && isspace((unsigned char)line[i]); i++)
		;
	if (i == len)
		return 0;
	snprintf(where, sizeof(where), "%s:%u", file, lineno);
	v = json_loadb(line, len, 0, &e);
	if (!v)
		return journey_fail(j, "%s: not JSON: %s", where, e.text);
	if (json_is_object(v)) {
		rc = reply_end(j, where, v);
		if (rc == 0)
			rc = journey_add_row(j, v, where);
	} else {
		json_array_foreach(v, i, o)
		{
			snprintf(where, sizeof(where), "%s:%u: row %zu", file,
				 lineno, i + 1);
			if ((rc = journey_add_row(j, o, where)) < 0)
				break;
		}
	}
	json_decref(v);
	return rc < 0 ? -1 : 0;
}

int
journey_load_trace(struct journey *j, const char *file, const char *text,
		   size_t len)
{
	unsigned lineno = 1;

	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		if (journey_add_line(j, file, lineno++, text, n) < 0)
			return -1;
		text += n;
		len -= n;
		if (nl) {
			text++;
			len--;
		}
	}
	return 0;
}
