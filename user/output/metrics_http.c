// SPDX-License-Identifier: GPL-2.0
/*
 * libmicrohttpd is loaded with dlopen when --listen first needs it: linked
 * in, it brought GnuTLS and eight more libraries into every run, 2.4 MB
 * of taskmem's RSS and their constructors' time, for an option most runs
 * do not use.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include "common/errors.h"
#include "output/metrics_http.h"

#define MHD_SONAME "libmicrohttpd.so.12"

static struct {
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_create_response_from_buffer) create_response;
	__typeof__(&MHD_add_response_header) add_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_lookup_connection_value) lookup_value;
} mhd;

static void *mhd_lib;

static void mhd_open(void)
{
	void *lib = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return;
	*(void **)&mhd.start_daemon = dlsym(lib, "MHD_start_daemon");
	*(void **)&mhd.stop_daemon = dlsym(lib, "MHD_stop_daemon");
	*(void **)&mhd.create_response =
		dlsym(lib, "MHD_create_response_from_buffer");
	*(void **)&mhd.add_header = dlsym(lib, "MHD_add_response_header");
	*(void **)&mhd.queue_response = dlsym(lib, "MHD_queue_response");
	*(void **)&mhd.destroy_response = dlsym(lib, "MHD_destroy_response");
	*(void **)&mhd.lookup_value = dlsym(lib, "MHD_lookup_connection_value");
	if (mhd.start_daemon && mhd.stop_daemon && mhd.create_response &&
	    mhd.add_header && mhd.queue_response && mhd.destroy_response &&
	    mhd.lookup_value)
		mhd_lib = lib;
}

/* 0, or -ELIBACC after saying what is missing. */
static int mhd_load(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, mhd_open);
	if (mhd_lib)
		return 0;
	tm_err("cannot load %s (libmicrohttpd12 on Debian): %s", MHD_SONAME,
	       dlerror() ?: "a function is missing");
	return -ELIBACC;
}

int metrics_http_bind(struct metrics_http *h, const struct sockaddr *sa,
		      socklen_t salen)
{
	int one = 1, err;

	/* close-on-exec: the workload must not inherit the socket */
	h->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return -errno;
	/* a previous run's connections in TIME_WAIT do not block the port */
	if (setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(h->fd, sa, salen) || listen(h->fd, 64)) {
		err = -errno;
		close(h->fd);
		h->fd = -1;
		return err;
	}
	return 0;
}

uint16_t metrics_http_port(const struct metrics_http *h)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (h->fd < 0 || getsockname(h->fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status,
			     const char *type, const char *body, size_t len)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = mhd.create_response(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	mhd.add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		mhd.add_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = mhd.queue_response(c, status, r);
	mhd.destroy_response(r);
	return ret;
}

static enum MHD_Result text_reply(struct MHD_Connection *c,
				  unsigned int status, const char *msg)
{
	return reply(c, status, "text/plain; charset=utf-8", msg, strlen(msg));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct metrics_http *h = cls;
	enum metrics_format fmt;
	enum MHD_Result ret;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return text_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "taskmem: only GET and HEAD\n");
	if (strcmp(url, "/metrics"))
		return text_reply(c, MHD_HTTP_NOT_FOUND,
				  "taskmem: the metrics are at /metrics\n");
	fmt = metrics_negotiate(mhd.lookup_value(
		c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	pthread_mutex_lock(&h->lock);
	if (h->body[fmt])
		ret = reply(c, MHD_HTTP_OK, metrics_content_type(fmt),
			    h->body[fmt], h->len[fmt]);
	else
		ret = text_reply(c, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "taskmem: no figures yet\n");
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int metrics_http_start(struct metrics_http *h)
{
	sigset_t all, old;
	int err = mhd_load();

	if (err)
		return err;
	sigfillset(&all);
	err = pthread_sigmask(SIG_SETMASK, &all, &old);
	if (err)
		return -err;
	h->daemon = mhd.start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL, on_request, h,
		MHD_OPTION_LISTEN_SOCKET, h->fd,
		MHD_OPTION_CONNECTION_LIMIT, 32U,
		MHD_OPTION_CONNECTION_TIMEOUT, 10U,
		MHD_OPTION_END);
	err = h->daemon ? 0 : errno ? -errno : -EIO;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

void metrics_http_publish(struct metrics_http *h, enum metrics_format fmt,
			  char *body, size_t len)
{
	char *old;

	pthread_mutex_lock(&h->lock);
	old = h->body[fmt];
	h->body[fmt] = body;
	h->len[fmt] = len;
	pthread_mutex_unlock(&h->lock);
	free(old);
}

void metrics_http_stop(struct metrics_http *h)
{
	int i;

	/* a started daemon closes the listening socket itself */
	if (h->daemon)
		mhd.stop_daemon(h->daemon);
	else if (h->fd >= 0)
		close(h->fd);
	h->daemon = NULL;
	h->fd = -1;
	for (i = 0; i < METRICS_NFORMATS; i++) {
		free(h->body[i]);
		h->body[i] = NULL;
	}
}
