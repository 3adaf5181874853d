/*
 * Addresses between the application and hostd: hostd speaks IPv4 only,
 * so an AF_INET6 socket is served as Linux serves a dual-stack one, with
 * IPv4 peers as v4-mapped addresses (::ffff:a.b.c.d). The checks and
 * errnos follow the kernel's inet_bind, inet6_bind and their connects.
 */
#include "preload.h"

#include <errno.h>
#include <string.h>

/* RFC 2133's sockaddr_in6, without sin6_scope_id: the shortest accepted. */
#define PL_SIN6_LEN_MIN 24

static int
pl_addr_from_in6(bool v6only, const struct sockaddr_in6 *s6, enum pl_use use,
		 struct sockaddr_in *out)
{
	const struct in6_addr *a = &s6->sin6_addr;

	if (IN6_IS_ADDR_V4MAPPED(a)) {
		if (v6only)
			return use == PL_BIND ? EINVAL : ENETUNREACH;
		memcpy(&out->sin_addr, a->s6_addr + 12, 4);
		return 0;
	}
	/* :: is any address to bind to, loopback (::1) to connect to. */
	if (use == PL_BIND && IN6_IS_ADDR_UNSPECIFIED(a) && !v6only)
		return 0;
	return use == PL_BIND ? EADDRNOTAVAIL : ENETUNREACH;
}

int
pl_addr_from_app(int family, bool v6only, const struct sockaddr *sa,
		 socklen_t len, enum pl_use use, struct sockaddr_in *out)
{
	sa_family_t af;

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	if (!sa)
		return EFAULT;
	if (len < sizeof(sa_family_t) || len > sizeof(struct sockaddr_storage))
		return EINVAL;
	memcpy(&af, &sa->sa_family, sizeof(af));
	if (af == AF_UNSPEC && use == PL_CONNECT)
		return PL_ADDR_UNSPEC;
	if (family == AF_INET) {
		struct sockaddr_in sin;

		if (len < sizeof(sin))
			return EINVAL;
		memcpy(&sin, sa, sizeof(sin));
		/* inet_bind takes AF_UNSPEC for INADDR_ANY, for old programs.
		 */
		if (af != AF_INET &&
		    !(af == AF_UNSPEC && sin.sin_addr.s_addr == INADDR_ANY))
			return EAFNOSUPPORT;
		out->sin_addr = sin.sin_addr;
		out->sin_port = sin.sin_port;
		return 0;
	}
	if (len < PL_SIN6_LEN_MIN)
		return EINVAL;
	if (af != AF_INET6)
		return EAFNOSUPPORT;
	{
		struct sockaddr_in6 s6 = {0};

		memcpy(&s6, sa, len < sizeof(s6) ? (size_t)len : sizeof(s6));
		out->sin_port = s6.sin6_port;
		return pl_addr_from_in6(v6only, &s6, use, out);
	}
}

void
pl_addr_to_app(int family, const struct sockaddr_in *sin, struct sockaddr *sa,
	       socklen_t *len)
{
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
	struct sockaddr_in s4 = {.sin_family = AF_INET};
	const void *from = &s4;
	socklen_t full = sizeof(s4);

	if (!sa || !len)
		return;
	if (family == AF_INET6) {
		s6.sin6_port = sin->sin_port;
		if (sin->sin_addr.s_addr != INADDR_ANY) {
			s6.sin6_addr.s6_addr[10] = 0xff;
			s6.sin6_addr.s6_addr[11] = 0xff;
			memcpy(s6.sin6_addr.s6_addr + 12, &sin->sin_addr, 4);
		}
		from = &s6;
		full = sizeof(s6);
	} else {
		s4.sin_addr = sin->sin_addr;
		s4.sin_port = sin->sin_port;
	}
	memcpy(sa, from, *len < full ? *len : full);
	*len = full;
}
