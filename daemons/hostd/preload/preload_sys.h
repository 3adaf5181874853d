/*
 * The interposing side of libhostsock-preload, shared by preload.c
 * (start-up, sockets, names, options), preload_io.c (the data calls) and
 * preload_fd.c (close, dup, fcntl, exec): the C library's own functions,
 * the table's lock, and the guard that lets the library's own calls
 * (hostsock's among them) through untouched.
 */
#ifndef HOPLAB_PRELOAD_SYS_H
#define HOPLAB_PRELOAD_SYS_H

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "preload.h"

#define PL_EXPORT __attribute__((visibility("default")))

/* The C library's functions, found with dlsym(RTLD_NEXT). */
struct pl_real {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*listen)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	int (*shutdown)(int, int);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	ssize_t (*send)(int, const void *, size_t, int);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	int (*sendmmsg)(int, struct mmsghdr *, unsigned int, int);
	ssize_t (*recv)(int, void *, size_t, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *,
			    socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	int (*recvmmsg)(int, struct mmsghdr *, unsigned int, int,
			struct timespec *);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*read_chk)(int, void *, size_t, size_t);
	ssize_t (*recv_chk)(int, void *, size_t, size_t, int);
	ssize_t (*recvfrom_chk)(int, void *, size_t, size_t, int,
				struct sockaddr *, socklen_t *);
	int (*close)(int);
	int (*close_range)(unsigned int, unsigned int, int);
	void (*closefrom)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);
};

extern struct pl_real pl_real;

/* hostd's control socket, from HOSTSOCK_NODE; "" when the library is off. */
extern char pl_node[];

/* Above 0 while the library itself is at work in this thread. */
extern __thread int pl_inside __attribute__((tls_model("initial-exec")));

/* Finds the C library's functions and reads the environment, once. */
void pl_init(void);
extern volatile int pl_ready;

/* Whether the calls of this thread are to be served, after pl_init. */
static inline bool
pl_on(void)
{
	if (!pl_ready)
		pl_init();
	return pl_node[0] && !pl_inside;
}

void pl_lock(void);
void pl_unlock(void);

/* The socket of fd, held (pl_release when done), or NULL. */
struct pl_sock *pl_hold(int fd);
void pl_release(struct pl_sock *s);

/*
 * Gives hostd's descriptor nfd the number of every descriptor that names
 * s, keeping each one's close-on-exec flag and the open file's
 * O_NONBLOCK, and closes nfd. Takes the lock. 0, or -1 with errno.
 */
int pl_install(struct pl_sock *s, int nfd);

/* For UDP: hostd's socket for s, bound as asked (autobind). 0 or errno. */
int pl_udp_open(struct pl_sock *s);

/* Returns -1 with errno err (err 0: returns 0). */
static inline int
pl_fail(int err)
{
	if (!err)
		return 0;
	errno = err;
	return -1;
}

#endif
