/* pcap files and tcpdump filters, written and run by libpcap. */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

struct capture_filter {
	struct bpf_program prog;
	char expr[CAPTURE_FILTER_MAX];
};

/* What a port writes while `capture start` runs. */
struct capture {
	pcap_t *dead; /* libpcap's handle for a link it does not open */
	pcap_dumper_t *dumper;
	struct capture_filter *filter;
};

struct capture_filter *
capture_filter_new(const char *expr, char *err, size_t errlen)
{
	struct capture_filter *f;
	pcap_t *dead;

	if (strlen(expr) >= CAPTURE_FILTER_MAX) {
		snprintf(err, errlen, "filter longer than %d bytes",
			 CAPTURE_FILTER_MAX - 1);
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	dead = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN);
	if (!f || !dead) {
		snprintf(err, errlen, "out of memory");
		free(f);
		if (dead)
			pcap_close(dead);
		return NULL;
	}
	snprintf(f->expr, sizeof(f->expr), "%s", expr);
	if (pcap_compile(dead, &f->prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(dead));
		pcap_close(dead);
		free(f);
		return NULL;
	}
	pcap_close(dead);
	return f;
}

void
capture_filter_free(struct capture_filter *f)
{
	if (!f)
		return;
	pcap_freecode(&f->prog);
	free(f);
}

bool
capture_filter_match(const struct capture_filter *f, const uint8_t *frame,
		     size_t len)
{
	struct pcap_pkthdr hdr = {0};

	if (!f)
		return true;
	hdr.len = (bpf_u_int32)len;
	hdr.caplen =
	    (bpf_u_int32)(len < CAPTURE_SNAPLEN ? len : CAPTURE_SNAPLEN);
	return pcap_offline_filter(&f->prog, &hdr, frame) != 0;
}

const char *
capture_filter_expr(const struct capture_filter *f)
{
	return f ? f->expr : "";
}

int
capture_start(struct port *port, const char *dir, const char *node,
	      const char *filter, char *path, size_t len, char *err,
	      size_t errlen)
{
	struct capture *c;

	capture_stop(port);
	mkdir(dir, 0700);
	snprintf(path, len, "%s/%s-%s.pcap", dir, node, port->name);
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->filter = capture_filter_new(filter, err, errlen);
	c->dead = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN);
	if (!c->filter || !c->dead) {
		if (c->filter)
			snprintf(err, errlen, "out of memory");
		goto fail;
	}
	c->dumper = pcap_dump_open(c->dead, path);
	if (!c->dumper) {
		snprintf(err, errlen, "%s", pcap_geterr(c->dead));
		goto fail;
	}
	/* The header is on disk at once: tcpdump can read an empty file. */
	pcap_dump_flush(c->dumper);
	port->capture = c;
	return 0;
fail:
	capture_filter_free(c->filter);
	if (c->dead)
		pcap_close(c->dead);
	free(c);
	return -1;
}

void
capture_stop(struct port *port)
{
	struct capture *c = port->capture;

	if (!c)
		return;
	pcap_dump_close(c->dumper);
	pcap_close(c->dead);
	capture_filter_free(c->filter);
	free(c);
	port->capture = NULL;
}

void
capture_write(struct port *port, const uint8_t *frame, size_t len)
{
	struct capture *c = port->capture;
	struct pcap_pkthdr hdr = {0};

	if (!capture_filter_match(c->filter, frame, len))
		return;
	gettimeofday(&hdr.ts, NULL);
	hdr.len = (bpf_u_int32)len;
	hdr.caplen =
	    (bpf_u_int32)(len < CAPTURE_SNAPLEN ? len : CAPTURE_SNAPLEN);
	pcap_dump((u_char *)c->dumper, &hdr, frame);
	/* Flushed per frame so that a capture can be read while it runs. */
	if (pcap_dump_flush(c->dumper) != 0)
		capture_stop(port);
}
