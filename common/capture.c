/* pcap files (the classic format tcpdump and Wireshark read). */
#include "capture.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>

#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_LINKTYPE_ETHERNET 1
#define PCAP_SNAPLEN 65535u

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t version_major, version_minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rec_hdr {
	uint32_t ts_sec, ts_usec, incl_len, orig_len;
};

int
capture_start(struct port *port, const char *dir, const char *node, char *path,
	      size_t len)
{
	struct pcap_file_hdr hdr = {
	    PCAP_MAGIC, 2, 4, 0, 0, PCAP_SNAPLEN, PCAP_LINKTYPE_ETHERNET};

	capture_stop(port);
	mkdir(dir, 0700);
	snprintf(path, len, "%s/%s-%s.pcap", dir, node, port->name);
	port->capture = fopen(path, "w");
	if (!port->capture)
		return -1;
	if (fwrite(&hdr, sizeof(hdr), 1, port->capture) != 1) {
		capture_stop(port);
		return -1;
	}
	fflush(port->capture);
	return 0;
}

void
capture_stop(struct port *port)
{
	if (port->capture) {
		fclose(port->capture);
		port->capture = NULL;
	}
}

void
capture_write(struct port *port, const uint8_t *frame, size_t len)
{
	struct pcap_rec_hdr rec;
	struct timeval tv;
	size_t incl = len < PCAP_SNAPLEN ? len : PCAP_SNAPLEN;

	gettimeofday(&tv, NULL);
	rec.ts_sec = (uint32_t)tv.tv_sec;
	rec.ts_usec = (uint32_t)tv.tv_usec;
	rec.incl_len = (uint32_t)incl;
	rec.orig_len = (uint32_t)len;
	/* Flushed per frame so that a capture can be read while it runs. */
	if (fwrite(&rec, sizeof(rec), 1, port->capture) != 1 ||
	    fwrite(frame, 1, incl, port->capture) != incl ||
	    fflush(port->capture) != 0)
		capture_stop(port);
}
