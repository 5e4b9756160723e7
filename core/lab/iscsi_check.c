/* iscsi_check — an iSCSI root target as the Pi's initramfs sees it (libiscsi). */
#include "core/lab/iscsi_check.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#include "core/server/bootfiles.h"
#include "core/disk/rootfs.h"
#include "core/base/deadline.h"
#include "core/base/util.h"

#define ICHECK_NAME(id, name) name,
const char *const icheck_step_names[IC_COUNT] = {ICHECK_STEPS(ICHECK_NAME)};
#undef ICHECK_NAME
const char *const icheck_level_names[] = {"ok", "info", "warning", "FAIL"};

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

struct iscsi_check *iscsi_check_new(const struct iscsi_check_opts *o)
{
	struct iscsi_check *c = xcalloc(1, sizeof(*c));
	c->o = *o;
	c->o.host = dup_or_null(o->host);
	c->o.target = dup_or_null(o->target);
	c->o.initiator = dup_or_null(o->initiator);
	c->o.chap_user = dup_or_null(o->chap_user);
	c->o.chap_secret = dup_or_null(o->chap_secret);
	c->o.root_spec = dup_or_null(o->root_spec);
	c->o.root_from = dup_or_null(o->root_from);
	c->o.profile_initiator = dup_or_null(o->profile_initiator);
	c->o.profile_target = dup_or_null(o->profile_target);
	if (c->o.port <= 0)
		c->o.port = 3260;
	if (c->o.timeout <= 0)
		c->o.timeout = ICHECK_TIMEOUT_DEFAULT;
	c->login_status = -1;
	c->lun = -1;
	return c;
}

static void logout(struct iscsi_check *c, struct iscsi_context *ctx);

void iscsi_check_free(struct iscsi_check *c)
{
	if (!c)
		return;
	if (c->ctx) {
		if (c->logged_in)
			logout(c, c->ctx);
		iscsi_destroy_context(c->ctx);
	}
	const char *owned[] = {c->o.host,      c->o.target,    c->o.initiator,
			       c->o.chap_user, c->o.chap_secret, c->o.root_spec,
			       c->o.root_from, c->o.profile_initiator, c->o.profile_target};
	for (size_t i = 0; i < PNB_ARRAY_LEN(owned); i++)
		free((char *)owned[i]);
	for (size_t i = 0; i < c->n_lines; i++)
		free(c->lines[i].text);
	free(c->lines);
	strv_free(c->targets, c->n_targets);
	free(c->cause);
	free(c->fix);
	free(c);
}

static void add_line(struct iscsi_check *c, enum icheck_step st, enum icheck_level lv, char *text)
{
	c->lines = xrealloc(c->lines, (c->n_lines + 1) * sizeof(*c->lines));
	c->lines[c->n_lines++] = (struct icheck_line){st, lv, text};
}

static void line(struct iscsi_check *c, enum icheck_step st, enum icheck_level lv, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));
static void line(struct iscsi_check *c, enum icheck_step st, enum icheck_level lv, const char *fmt,
		 ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_line(c, st, lv, xvasprintf(fmt, ap));
	va_end(ap);
}

/* Records the verdict and a FAIL line; returns -1 so steps can `return stop(…)`. */
static int stop(struct iscsi_check *c, enum icheck_step st, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int stop(struct iscsi_check *c, enum icheck_step st, const char *fix, const char *fmt, ...)
{
	if (c->timed_out)
		return -1; /* the budget ran out: that stays the cause */
	va_list ap;
	va_start(ap, fmt);
	char *cause = xvasprintf(fmt, ap);
	va_end(ap);
	c->ok = false;
	c->failed_step = st;
	free(c->cause);
	c->cause = cause;
	free(c->fix);
	c->fix = dup_or_null(fix);
	add_line(c, st, IC_FAIL, xstrdup(cause));
	return -1;
}

/* ---- every wait within the check's one budget (issue 13 rule 7) ----
 * libiscsi's *_sync calls loop until an answer comes, however long that is; the check queues
 * the same operations with the *_async / *_task calls and runs the connection itself, polling no
 * longer than what is left of the deadline started once by iscsi_check_login. */

/* Says which step and operation ran out of the budget, and after how long. */
static int out_of_time(struct iscsi_check *c, enum icheck_step st, const char *what)
{
	if (c->timed_out)
		return -1;
	int64_t ms = deadline_spent_ms(&c->dl);
	stop(c, st,
		    "the target accepts the connection but does not answer: check the target's "
		    "log and load (or raise --timeout)",
		    "no answer to %s within the --timeout of %d s: step %s ran out after %lld.%01lld s "
		    "of the check",
		    what, c->o.timeout, icheck_step_names[st], (long long)(ms / 1000),
		    (long long)(ms % 1000 / 100));
	c->timed_out = true; /* after stop(): what fails from here on does not replace this cause */
	return -1;
}

static void op_done(struct iscsi_context *ctx, int status, void *data, void *pd)
{
	(void)ctx;
	(void)data; /* a SCSI task is the one c->task holds; other results are not used */
	struct iscsi_check *c = pd;
	c->wait_done = true;
	c->wait_status = status;
}

/* Runs ctx's I/O until the operation just queued (c->wait_done cleared) is answered. Returns 0
 * when it was (its status in c->wait_status), -1 when the connection failed (iscsi_get_error
 * says why) or the budget ran out (c->timed_out, and the check is stopped naming step st and
 * what; a NULL what, for a logout, only gives up). */
static int await(struct iscsi_check *c, struct iscsi_context *ctx, enum icheck_step st,
		 const char *what)
{
	while (!c->wait_done) {
		int ms = deadline_poll_ms(&c->dl, 0);
		if (ms == 0)
			return what ? out_of_time(c, st, what) : -1;
		struct pollfd p = {.fd = iscsi_get_fd(ctx), .events = (short)iscsi_which_events(ctx)};
		int n = poll(&p, 1, ms);
		if (n < 0 && errno != EINTR)
			return -1; /* poll on one valid fd fails only without memory */
		if (n > 0 && iscsi_service(ctx, p.revents) < 0)
			return -1;
	}
	return 0;
}

/* libiscsi's last error, or what an empty one means: the target hung up without a word. A
 * target that hangs up with our request still unread sends a reset instead of a close, and
 * libiscsi then says "socket error Connection reset by peer(104)": the same event for the user,
 * so the same words (which of the two arrives depends on timing only). */
static const char *lib_error(struct iscsi_context *ctx)
{
	const char *e = iscsi_get_error(ctx);
	if (!e || !*e)
		return "the target closed the connection without an answer";
	if (strstr(e, "Connection reset by peer"))
		return "the target closed the connection (reset) without an answer";
	return e;
}

/* Queues with start (an *_async call taking the callback) and waits; 0 when it succeeded. */
#define AWAIT(c, ctx, st, what, call)                                                              \
	((c)->wait_done = false,                                                                   \
	 (call) != 0 ? -1 : await(c, ctx, st, what) < 0 ? -1 : (c)->wait_status != 0 ? -1 : 0)

/* A SCSI command just queued, within the budget: the task (the caller frees it), or NULL
 * when it failed, ran out of time (c->timed_out) or the session was already broken. A task
 * that did not finish is cancelled and freed here (libiscsi cancels without freeing). */
static struct scsi_task *scsi_wait(struct iscsi_check *c, enum icheck_step st, const char *what,
				   struct scsi_task *task)
{
	if (!task)
		return NULL;
	c->wait_done = false;
	if (c->timed_out || !c->logged_in || await(c, c->ctx, st, what) < 0) {
		c->logged_in = false; /* the session is in an unknown state: no logout on it */
		if (!c->wait_done)
			iscsi_scsi_cancel_task(c->ctx, task);
		scsi_free_scsi_task(task);
		return NULL;
	}
	return task;
}

/* A lookup getaddrinfo_a runs on its own thread: on the heap, as the thread may still hold it
 * when the budget runs out and it cannot be cancelled. */
struct lookup {
	struct gaicb cb;
	struct addrinfo hints;
	char *host, *port;
};

static void lookup_free(struct lookup *l)
{
	free(l->host);
	free(l->port);
	free(l);
}

/* host:port resolved to IPv4 addresses within the budget (*ai: freeaddrinfo). A numeric address
 * needs no lookup; a name is looked up by the system resolver on its own thread, waited for only
 * as long as the budget lasts. Returns 0, a getaddrinfo error, or EAI_AGAIN with *late set
 * when the budget ran out first. */
static int resolve(struct iscsi_check *c, const char *port, struct addrinfo **ai, bool *late)
{
	*late = false;
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST};
	if (getaddrinfo(c->o.host, port, &hints, ai) == 0)
		return 0;
	struct lookup *l = xcalloc(1, sizeof(*l));
	l->host = xstrdup(c->o.host);
	l->port = xstrdup(port);
	l->hints = (struct addrinfo){.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
	l->cb = (struct gaicb){.ar_name = l->host, .ar_service = l->port, .ar_request = &l->hints};
	struct gaicb *list[1] = {&l->cb};
	int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (rc != 0) {
		lookup_free(l);
		return rc;
	}
	while ((rc = gai_error(&l->cb)) == EAI_INPROGRESS) {
		int64_t ms = deadline_left_ms(&c->dl);
		if (ms == 0) {
			int cr = gai_cancel(&l->cb);
			if (cr == EAI_ALLDONE)
				continue; /* it finished after all */
			if (cr == EAI_CANCELED)
				lookup_free(l);
			/* else the resolver's thread still uses l: it is left to it */
			*late = true;
			return EAI_AGAIN;
		}
		struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000};
		gai_suspend((const struct gaicb *const *)list, 1, &ts);
	}
	*ai = rc == 0 ? l->cb.ar_result : NULL;
	lookup_free(l);
	return rc;
}

/* A non-blocking connect within the budget, so a dropped SYN (a firewall) is told apart from a
 * refused one and never waits for the kernel's two-minute TCP timeout. The name is resolved
 * once, within the budget too, and libiscsi is given the numeric address in c->addr. */
static int tcp_probe(struct iscsi_check *c, char *why, size_t whylen)
{
	const char *host = c->o.host;
	int port = c->o.port;
	struct addrinfo *ai;
	char ports[8];
	bool late;
	snprintf(ports, sizeof(ports), "%d", port);
	int rc = resolve(c, ports, &ai, &late);
	if (rc != 0 || !ai) {
		if (late)
			snprintf(why, whylen, "cannot resolve %s: no answer from the name server within "
					      "%d s", host, c->o.timeout);
		else
			snprintf(why, whylen, "cannot resolve %s: %s", host,
				 rc ? gai_strerror(rc) : "no IPv4 address");
		return -1;
	}
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, c->addr, sizeof(c->addr), NULL, 0,
			NI_NUMERICHOST) != 0)
		snprintf(c->addr, sizeof(c->addr), "%s", host);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	rc = fd < 0 ? -1 : connect(fd, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	if (rc < 0 && errno == EINPROGRESS) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int err = 0, n;
		socklen_t el = sizeof(err);
		while ((n = poll(&p, 1, deadline_poll_ms(&c->dl, 0))) < 0 && errno == EINTR)
			;
		if (n == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0) {
			rc = err ? -1 : 0;
			errno = err;
		} else {
			errno = ETIMEDOUT;
		}
	}
	if (rc < 0) {
		if (errno == ETIMEDOUT)
			snprintf(why, whylen,
				 "no answer from %s:%d within %d s: TCP %d is dropped on the way (a "
				 "firewall rule) or the host is down",
				 host, port, c->o.timeout, port);
		else if (errno == ECONNREFUSED)
			snprintf(why, whylen,
				 "%s:%d refused the connection: no iSCSI target is listening there",
				 host, port);
		else
			snprintf(why, whylen, "cannot connect to %s:%d: %s", host, port,
				 strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A target that accepts the login and then drops the connection must end the check, not make
 * libiscsi reconnect and retry the command for ever (M7). */
static void no_reconnect(struct iscsi_context *ctx)
{
	iscsi_set_noautoreconnect(ctx, 1);
	iscsi_set_reconnect_max_retries(ctx, 0);
}

static struct iscsi_context *new_ctx(const char *initiator, enum iscsi_session_type type)
{
	struct iscsi_context *ctx = iscsi_create_context(initiator);
	if (!ctx)
		return NULL;
	iscsi_set_session_type(ctx, type);
	iscsi_set_header_digest(ctx, ISCSI_HEADER_DIGEST_NONE);
	no_reconnect(ctx);
	return ctx;
}

/* Connects and logs in ctx within the budget; 0 when the target let the login in. */
static int connect_login(struct iscsi_check *c, struct iscsi_context *ctx, enum icheck_step st,
			 const char *portal, const char *session)
{
	char what[2][96];
	snprintf(what[0], sizeof(what[0]), "the connect of %s", session);
	snprintf(what[1], sizeof(what[1]), "the Login Request of %s", session);
	if (AWAIT(c, ctx, st, what[0], iscsi_connect_async(ctx, portal, op_done, c)) < 0)
		return -1;
	return AWAIT(c, ctx, st, what[1], iscsi_login_async(ctx, op_done, c));
}

/* Logs out within the budget; a session whose budget is spent is just closed. */
static void logout(struct iscsi_check *c, struct iscsi_context *ctx)
{
	if (!deadline_passed(&c->dl))
		AWAIT(c, ctx, IC_LOGIN, NULL, iscsi_logout_async(ctx, op_done, c));
}

/* SendTargets answers live only during the callback: the names are copied there. */
static void discovery_done(struct iscsi_context *ctx, int status, void *data, void *pd)
{
	struct iscsi_check *c = pd;
	op_done(ctx, status, data, pd);
	if (status != SCSI_STATUS_GOOD)
		return;
	c->discovery_ok = true; /* an empty answer comes back as NULL too */
	for (struct iscsi_discovery_address *d = data; d; d = d->next) {
		c->targets = xrealloc(c->targets, (c->n_targets + 1) * sizeof(char *));
		c->targets[c->n_targets++] = xstrdup(d->target_name);
	}
}

static void discovery(struct iscsi_check *c, const char *portal)
{
	struct iscsi_context *ctx = new_ctx(c->o.initiator, ISCSI_SESSION_DISCOVERY);
	if (!ctx)
		return;
	if (connect_login(c, ctx, IC_DISCOVERY, portal, "the discovery session") < 0) {
		if (!c->timed_out)
			line(c, IC_DISCOVERY, IC_WARN, "discovery login refused: %s",
			     lib_error(ctx));
		iscsi_destroy_context(ctx);
		return;
	}
	if (AWAIT(c, ctx, IC_DISCOVERY, "SendTargets",
		  iscsi_discovery_async(ctx, discovery_done, c)) == 0)
		logout(c, ctx);
	else if (!c->timed_out)
		line(c, IC_DISCOVERY, IC_WARN, "SendTargets failed: %s", lib_error(ctx));
	iscsi_destroy_context(ctx);
	if (c->timed_out || !c->discovery_ok)
		return;
	struct sbuf b;
	sbuf_init(&b);
	for (size_t i = 0; i < c->n_targets; i++)
		sbuf_printf(&b, "%s%s", i ? ", " : "", c->targets[i]);
	line(c, IC_DISCOVERY, IC_INFO, "SendTargets as %s lists %zu target%s%s%s", c->o.initiator,
	     c->n_targets, c->n_targets == 1 ? "" : "s", c->n_targets ? ": " : "",
	     b.buf ? b.buf : "");
	sbuf_done(&b);
}

/* libiscsi reports a refused login as "… Status: <text>(<class<<8|detail>)". */
static int login_status_of(const char *err)
{
	const char *s = err ? strstr(err, "Status: ") : NULL;
	const char *open = s ? strrchr(s, '(') : NULL;
	return open ? atoi(open + 1) : -1;
}

static int explain_login(struct iscsi_check *c, const char *err)
{
	char portal[300];
	snprintf(portal, sizeof(portal), "%s:%d", c->o.host, c->o.port);
	struct iscsi_login_facts f = {
		.status = c->login_status, .initiator = c->o.initiator, .target = c->o.target,
		.profile_initiator = c->o.profile_initiator, .profile_target = c->o.profile_target,
		.portal = portal, .target_kind = c->o.target_kind, .chap_user = c->o.chap_user,
		.targets = (const char *const *)c->targets, .n_targets = c->n_targets,
		.discovery_done = c->discovery_ok, .error = err,
	};
	const char *fix = NULL;
	char *cause = iscsi_login_explain(&f, &fix);
	stop(c, IC_LOGIN, fix, "%s", cause);
	free(cause);
	return -1;
}

/* The portal libiscsi connects to: the address tcp_probe resolved. */
static void lib_portal(const struct iscsi_check *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%d", c->addr[0] ? c->addr : c->o.host, c->o.port);
}

int iscsi_check_login(struct iscsi_check *c)
{
	char why[300], portal[300];
	deadline_start(&c->dl, (int64_t)c->o.timeout * 1000);
	if (tcp_probe(c, why, sizeof(why)) < 0)
		return stop(c, IC_CONNECT, "start the target (tgtd) and allow TCP 3260 from the Pis",
			    "%s", why);
	c->reachable = true;
	line(c, IC_CONNECT, IC_OK, "TCP %s:%d accepts connections", c->o.host, c->o.port);
	lib_portal(c, portal, sizeof(portal));
	discovery(c, portal);
	if (c->timed_out)
		return -1;
	struct iscsi_context *ctx = new_ctx(c->o.initiator, ISCSI_SESSION_NORMAL);
	if (!ctx)
		return stop(c, IC_LOGIN, NULL, "libiscsi could not create a context for %s",
			    c->o.initiator);
	c->ctx = ctx;
	iscsi_set_targetname(ctx, c->o.target);
	if (c->o.chap_user)
		iscsi_set_initiator_username_pwd(ctx, c->o.chap_user,
						 c->o.chap_secret ? c->o.chap_secret : "");
	if (AWAIT(c, ctx, IC_LOGIN, "the connect of the Pi's session",
		  iscsi_connect_async(ctx, portal, op_done, c)) < 0)
		return c->timed_out ? -1
				    : stop(c, IC_LOGIN, NULL, "connect to %s:%d failed: %s",
					   c->o.host, c->o.port, lib_error(ctx));
	if (AWAIT(c, ctx, IC_LOGIN, "the Login Request of the Pi's session",
		  iscsi_login_async(ctx, op_done, c)) < 0) {
		if (c->timed_out)
			return -1;
		char *err = xstrdup(lib_error(ctx));
		c->login_status = login_status_of(err);
		explain_login(c, err);
		free(err);
		return -1;
	}
	c->login_status = 0;
	c->logged_in = true;
	line(c, IC_LOGIN, IC_OK, "logged in to %s as %s%s", c->o.target, c->o.initiator,
	     c->o.chap_user ? " with CHAP" : "");
	return 0;
}

/* Logs in to the checked target as initiator ini, with the check's CHAP credentials or
 * without; true when the target lets the login in (the session is closed again at once). */
static bool login_accepted(struct iscsi_check *c, const char *ini, bool chap)
{
	char portal[300];
	lib_portal(c, portal, sizeof(portal));
	struct iscsi_context *ctx = new_ctx(ini, ISCSI_SESSION_NORMAL);
	if (!ctx)
		return false;
	iscsi_set_targetname(ctx, c->o.target);
	if (chap && c->o.chap_user)
		iscsi_set_initiator_username_pwd(ctx, c->o.chap_user,
						 c->o.chap_secret ? c->o.chap_secret : "");
	bool ok = connect_login(c, ctx, IC_LOGIN, portal,
				chap ? "the check's login as another initiator"
				     : "the check's login without CHAP") == 0;
	if (ok)
		logout(c, ctx);
	iscsi_destroy_context(ctx);
	return ok && !c->timed_out;
}

#define ICHECK_PROBE_IQN "iqn.2026-11.invalid.pinetboot:acl-probe"

/* What the Pi's own login cannot show: whether the target lets others in as well. tgt admits a
 * login whose source address OR initiator name is in the target's ACL, and a target without
 * incominguser accepts a login that offers CHAP without doing it. */
static void open_doors(struct iscsi_check *c)
{
	if (c->o.chap_user && login_accepted(c, c->o.initiator, false))
		line(c, IC_LOGIN, IC_WARN,
		     "%s also lets %s in without CHAP: the target has no incominguser, so the "
		     "Pi's CHAP secret protects nothing (add incominguser %s SECRET to the target)",
		     c->o.target, c->o.initiator, c->o.chap_user);
	if (c->timed_out || !login_accepted(c, ICHECK_PROBE_IQN, true))
		return;
	line(c, IC_LOGIN, c->o.chap_user ? IC_INFO : IC_WARN,
	     "%s also admits initiator %s: its ACL does not hold other initiator names out (tgt "
	     "admits a login whose address OR name is listed, so an initiator-address line "
	     "covering the Pis lets every name in)%s",
	     c->o.target, ICHECK_PROBE_IQN,
	     c->o.chap_user ? "; CHAP still guards it"
			    : "; without CHAP any host there can use this Pi's root");
}

static int report_luns(struct iscsi_check *c)
{
	struct scsi_task *task =
		scsi_wait(c, IC_LUNS, "REPORT LUNS",
			  iscsi_reportluns_task(c->ctx, 0, 1024, op_done, c));
	if (c->timed_out)
		return -1;
	struct scsi_reportluns_list *l = NULL;
	if (task && task->status == SCSI_STATUS_GOOD)
		l = scsi_datain_unmarshall(task);
	if (!l) {
		if (task)
			scsi_free_scsi_task(task);
		return stop(c, IC_LUNS, NULL, "REPORT LUNS failed: %s", lib_error(c->ctx));
	}
	struct sbuf b;
	sbuf_init(&b);
	for (uint32_t i = 0; i < l->num && c->n_luns < (int)PNB_ARRAY_LEN(c->luns); i++) {
		c->luns[c->n_luns++] = l->luns[i];
		sbuf_printf(&b, "%s%u", i ? ", " : "", l->luns[i]);
	}
	scsi_free_scsi_task(task);
	line(c, IC_LUNS, IC_INFO, "the target reports LUN%s %s", c->n_luns == 1 ? "" : "s",
	     b.buf ? b.buf : "(none)");
	sbuf_done(&b);
	return 0;
}

/* A fresh session sees UNIT ATTENTION (power on / reset) on its first command to each LUN, as
 * the kernel does; it clears after being reported, so a few TEST UNIT READYs consume it. */
static void clear_unit_attention(struct iscsi_check *c, int lun)
{
	for (int i = 0; i < 4; i++) {
		struct scsi_task *t = scsi_wait(c, IC_CAPACITY, "TEST UNIT READY",
						iscsi_testunitready_task(c->ctx, lun, op_done, c));
		bool ua = t && t->status == SCSI_STATUS_CHECK_CONDITION &&
			  t->sense.key == SCSI_SENSE_UNIT_ATTENTION;
		if (t)
			scsi_free_scsi_task(t);
		if (!ua)
			return;
	}
}

/* READ CAPACITY(16); a LUN that is not a disk (tgt's LUN 0 is the controller) fails here. */
static int capacity_of(struct iscsi_check *c, int lun, uint64_t *bytes, uint32_t *block)
{
	clear_unit_attention(c, lun);
	struct scsi_task *task = scsi_wait(c, IC_CAPACITY, "READ CAPACITY",
					   iscsi_readcapacity16_task(c->ctx, lun, op_done, c));
	struct scsi_readcapacity16 *rc16 = NULL;
	if (task && task->status == SCSI_STATUS_GOOD)
		rc16 = scsi_datain_unmarshall(task);
	if (rc16) {
		*block = rc16->block_length;
		*bytes = (rc16->returned_lba + 1) * (uint64_t)rc16->block_length;
	}
	if (task)
		scsi_free_scsi_task(task);
	if (!rc16 || *block == 0)
		return -1;
	return 0;
}

static bool has_lun(const struct iscsi_check *c, int lun)
{
	for (int i = 0; i < c->n_luns; i++)
		if (c->luns[i] == lun)
			return true;
	return false;
}

static int pick_lun(struct iscsi_check *c)
{
	if (c->o.lun >= 0) {
		if (capacity_of(c, c->o.lun, &c->capacity, &c->block_size) == 0) {
			c->lun = c->o.lun;
			return 0;
		}
		int disk = -1;
		for (int i = 0; i < c->n_luns && disk < 0; i++)
			if (c->luns[i] != c->o.lun &&
			    capacity_of(c, c->luns[i], &c->capacity, &c->block_size) == 0)
				disk = c->luns[i];
		if (disk >= 0)
			return stop(c, IC_CAPACITY,
				    "use the LUN the target really has: tgt numbers backing stores "
				    "from 1, LIO from 0 (root=iscsi:…:LUN:… / the LUN in the URL)",
				    "LUN %d %s; the disk is LUN %d%s", c->o.lun,
				    has_lun(c, c->o.lun) ? "is not a disk (tgt's LUN 0 is its "
							   "controller)"
							 : "does not exist",
				    disk,
				    c->o.lun == 0 && disk == 1 ? " (tgt starts at LUN 1, root=iscsi: "
								 "defaults to LUN 0)"
							       : "");
		return stop(c, IC_CAPACITY, "add a backing-store to the target",
			    "LUN %d has no readable disk and the target exports no other", c->o.lun);
	}
	for (int i = 0; i < c->n_luns; i++)
		if (capacity_of(c, c->luns[i], &c->capacity, &c->block_size) == 0) {
			c->lun = c->luns[i];
			return 0;
		}
	return stop(c, IC_CAPACITY, "add a backing-store to the target",
		    "target %s has no disk LUN (only the controller)", c->o.target);
}

static int lun_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct iscsi_check *c = ctx;
	uint32_t bs = c->block_size;
	uint64_t first = off / bs, last = (off + len - 1) / bs;
	if ((last + 1) * bs > c->capacity)
		return -1;
	uint32_t n = (uint32_t)(last - first + 1);
	struct scsi_task *task = scsi_wait(
		c, c->read_step, "a READ",
		iscsi_read16_task(c->ctx, c->lun, first, n * bs, (int)bs, 0, 0, 0, 0, 0, op_done, c));
	int rc = -1;
	if (task && task->status == SCSI_STATUS_GOOD && task->datain.size >= (int)(n * bs)) {
		memcpy(buf, task->datain.data + (off - first * bs), len);
		rc = 0;
	}
	if (task)
		scsi_free_scsi_task(task);
	return rc;
}

static void describe_fs(struct iscsi_check *c, enum icheck_step st, const struct disk_part *p)
{
	char size[24];
	size_format(p->size, size);
	if (p->fs.kind == FS_UNKNOWN)
		line(c, st, IC_WARN, "partition %d (%s) holds no FAT or ext filesystem", p->number,
		     size);
	else
		line(c, st, IC_OK, "partition %d: %s UUID=%s LABEL=\"%s\" PARTUUID=%s (%s)",
		     p->number, p->fs.type, p->fs.uuid, p->fs.label, p->partuuid, size);
}

int iscsi_check_disk(struct iscsi_check *c)
{
	if (report_luns(c) < 0 || pick_lun(c) < 0)
		return -1;
	char have[24], want[24];
	size_format(c->capacity, have);
	line(c, IC_CAPACITY, IC_OK, "LUN %d: %s (%llu bytes, %u-byte blocks)", c->lun, have,
	     (unsigned long long)c->capacity, c->block_size);
	if (c->o.expect_size && c->o.expect_size != c->capacity) {
		size_format(c->o.expect_size, want);
		line(c, IC_CAPACITY, c->o.expect_size > c->capacity ? IC_FAIL : IC_WARN,
		     "the profile's size is %s but the LUN is %s: the backing file was not "
		     "written or grown to the profile size",
		     want, have);
		/* a failure, but the Pi may still boot from what is there: go on and say so */
		if (c->o.expect_size > c->capacity)
			stop(c, IC_CAPACITY, "re-create the backing file at the profile size "
					     "(pinetboot flash --backing) and restart the target",
			     "LUN %d is %s, smaller than the profile's %s", c->lun, have, want);
	}
	c->read_step = IC_PARTITIONS;
	if (part_table_read(lun_read, c, c->capacity, c->block_size, &c->disk) < 0)
		return stop(c, IC_PARTITIONS, NULL, "reading LUN %d failed: %s", c->lun,
			    c->disk.error);
	c->have_disk = true;
	if (c->disk.kind == PT_NONE && strstr(c->disk.error, "GPT"))
		return stop(c, IC_PARTITIONS, "write the Pi OS image to the backing file again",
			    "LUN %d: %s", c->lun, c->disk.error);
	if (c->disk.kind == PT_NONE || c->disk.n == 0)
		return stop(c, IC_PARTITIONS, "write the Pi OS image to the backing file",
			    "LUN %d has no partition table: the backing file holds no image", c->lun);
	if (c->disk.error[0]) /* a damaged primary GPT, read from its backup */
		line(c, IC_PARTITIONS, IC_WARN, "LUN %d: %s", c->lun, c->disk.error);
	line(c, IC_PARTITIONS, IC_OK, "%s partition table, disk id %s, %d partition%s",
	     c->disk.kind == PT_GPT ? "GPT" : "MBR", c->disk.disk_id, c->disk.n,
	     c->disk.n == 1 ? "" : "s");
	for (int i = 0; i < c->disk.n; i++) {
		const struct disk_part *p = &c->disk.parts[i];
		if (p->past_end)
			line(c, IC_PARTITIONS, IC_WARN, "partition %d ends past the end of the LUN",
			     p->number);
		describe_fs(c, i == 0 ? IC_BOOT_FS : IC_ROOT_FS, p);
	}
	return 0;
}

static int root_found(struct iscsi_check *c, const struct disk_part *root)
{
	c->root_part = root;
	/* The superblock was read to get here: that is the first thing the kernel reads. */
	c->root_read = root->fs.kind == FS_EXT;
	if (!c->root_read)
		return stop(c, IC_ROOT_MATCH, NULL, "partition %d is %s, not a Linux root filesystem",
			    root->number, root->fs.type[0] ? root->fs.type : "unformatted");
	return 0;
}

/* root=/dev/disk/by-path/ip-…-iscsi-IQN-lun-N-partM: udev makes that name only for this exact
 * portal, target and LUN, so each must be the one the Pi really uses. */
static const struct disk_part *root_by_path(struct iscsi_check *c, const struct iscsi_by_path *bp)
{
	static const char fix[] = "make root= name the portal, target and LUN the Pi logs in to, "
				  "or use root=UUID=… (pinetboot export with root_uuid set)";
	char portal[300];
	snprintf(portal, sizeof(portal), "%s:%d", c->o.host, c->o.port);
	const char *what = NULL;
	char have[300] = "", want[300] = "";
	if (strcmp(bp->target, c->o.target)) {
		what = "target";
		snprintf(have, sizeof(have), "%s", bp->target);
		snprintf(want, sizeof(want), "%s", c->o.target);
	} else if (strcmp(bp->portal, portal)) {
		what = "portal";
		snprintf(have, sizeof(have), "%s", bp->portal);
		snprintf(want, sizeof(want), "%s", portal);
	} else if (bp->lun != c->lun) {
		what = "LUN";
		snprintf(have, sizeof(have), "%d", bp->lun);
		snprintf(want, sizeof(want), "%d", c->lun);
	}
	if (what) {
		stop(c, IC_ROOT_MATCH, fix,
		     "root=%s names %s %s but the Pi's disk is %s %s: that device never appears and "
		     "the Pi waits for its root forever",
		     c->o.root_spec, what, have, what, want);
		return NULL;
	}
	for (int i = 0; i < c->disk.n; i++)
		if (c->disk.parts[i].number == bp->part)
			return &c->disk.parts[i];
	stop(c, IC_ROOT_MATCH, fix, "root=%s names partition %d, which LUN %d does not have",
	     c->o.root_spec, bp->part, c->lun);
	return NULL;
}

int iscsi_check_root(struct iscsi_check *c)
{
	struct iscsi_by_path byp;
	if (c->o.root_spec && bootparams_by_path(c->o.root_spec, &byp)) {
		const struct disk_part *root = root_by_path(c, &byp);
		if (!root)
			return -1;
		line(c, IC_ROOT_MATCH, IC_OK, "root=%s (%s) is partition %d", c->o.root_spec,
		     c->o.root_from ? c->o.root_from : "cmdline", root->number);
		return root_found(c, root);
	}
	const struct disk_part *root = NULL;
	if (!c->o.root_spec) {
		for (int i = 0; i < c->disk.n && !root; i++)
			if (c->disk.parts[i].fs.kind == FS_EXT)
				root = &c->disk.parts[i];
		if (!root)
			return stop(c, IC_ROOT_MATCH, "write a Pi OS image (ext4 root) to the backing file",
				    "no ext2/3/4 root filesystem on LUN %d", c->lun);
		line(c, IC_ROOT_MATCH, IC_INFO,
		     "root= not known (give --root, or a served cmdline.txt or root_uuid with "
		     "--site): partition %d, the first ext filesystem, would be the root",
		     root->number);
	} else {
		root = part_table_find(&c->disk, c->o.root_spec);
		if (!root) {
			const struct disk_part *ext = NULL;
			for (int i = 0; i < c->disk.n && !ext; i++)
				if (c->disk.parts[i].fs.kind == FS_EXT)
					ext = &c->disk.parts[i];
			return stop(c, IC_ROOT_MATCH,
				    "put the LUN's real UUID into cmdline.txt and fstab (re-export "
				    "with root_uuid set), or re-create the filesystem with the old UUID",
				    "root=%s from %s names nothing on LUN %d; the root partition "
				    "there has %s%s (PARTUUID=%s): the Pi will wait for its root "
				    "forever",
				    c->o.root_spec, c->o.root_from ? c->o.root_from : "the Pi's cmdline",
				    c->lun, ext ? "UUID=" : "no ext filesystem",
				    ext ? ext->fs.uuid : "", ext ? ext->partuuid : "-");
		}
		line(c, IC_ROOT_MATCH, IC_OK, "root=%s (%s) is partition %d", c->o.root_spec,
		     c->o.root_from ? c->o.root_from : "cmdline", root->number);
	}
	return root_found(c, root);
}

static bool fstab_checked_mount(const char *mnt)
{
	return !strcmp(mnt, "/") || !strcmp(mnt, "/boot") || !strcmp(mnt, "/boot/firmware");
}

/* One fstab line; returns false when it would stop the boot. */
static bool fstab_entry(struct iscsi_check *c, const char *spec, const char *mnt,
			const char *opts)
{
	bool nofail = strstr(opts, "nofail") != NULL;
	if (!strncmp(spec, "/dev/mmcblk", 11)) {
		line(c, IC_FSTAB, nofail ? IC_WARN : IC_FAIL,
		     "/etc/fstab mounts %s on %s: a diskless Pi has no SD card%s", spec, mnt,
		     nofail ? " (nofail: skipped)" : "");
		return nofail;
	}
	if (strncasecmp(spec, "UUID=", 5) && strncasecmp(spec, "PARTUUID=", 9) &&
	    strncasecmp(spec, "LABEL=", 6))
		return true; /* a device path or a network mount: not ours to judge */
	const struct disk_part *p = part_table_find(&c->disk, spec);
	if (p) {
		line(c, IC_FSTAB, IC_OK, "/etc/fstab %s %s is partition %d", spec, mnt, p->number);
		return true;
	}
	const struct disk_part *want = NULL;
	for (int i = 0; i < c->disk.n && !want; i++)
		if ((c->disk.parts[i].fs.kind == FS_EXT) == (strcmp(mnt, "/") == 0))
			want = &c->disk.parts[i];
	line(c, IC_FSTAB, nofail ? IC_WARN : IC_FAIL,
	     "/etc/fstab mounts %s on %s but no partition of LUN %d has it%s%s%s%s%s", spec, mnt,
	     c->lun, want ? "; that partition is UUID=" : "", want ? want->fs.uuid : "",
	     want ? " PARTUUID=" : "", want ? want->partuuid : "",
	     nofail ? " (nofail: skipped)" : "");
	return nofail;
}

int iscsi_check_fstab(struct iscsi_check *c)
{
	if (!c->root_part || c->root_part->fs.kind != FS_EXT)
		return 0;
	char *err = NULL;
	c->read_step = IC_FSTAB;
	char *text = rootfs_read_file(lun_read, c, c->root_part->start, c->root_part->size,
				      "/etc/fstab", 65536, &err);
	if (!text && c->timed_out) {
		free(err);
		return -1;
	}
	if (!text) {
		line(c, IC_FSTAB, IC_INFO, "no fstab checked (%s)", err);
		free(err);
		return 0;
	}
	int bad = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char spec[256], mnt[256], type[64], opts[256] = "";
		if (l[strspn(l, " \t")] == '#' ||
		    sscanf(l, "%255s %255s %63s %255s", spec, mnt, type, opts) < 3)
			continue;
		if (fstab_checked_mount(mnt) && !fstab_entry(c, spec, mnt, opts))
			bad++;
	}
	free(text);
	if (bad)
		return stop(c, IC_FSTAB,
			    "make /etc/fstab on the LUN name the partitions by the UUIDs above (or "
			    "drop the SD-card lines): pinetboot export renders a matching fstab",
			    "%d /etc/fstab entr%s name%s what is not on LUN %d: the Pi mounts its root, "
			    "then waits for %s and drops to the emergency shell",
			    bad, bad == 1 ? "y" : "ies", bad == 1 ? "s" : "", c->lun,
			    bad == 1 ? "that device" : "those devices");
	return 0;
}

int iscsi_check_use_root(struct iscsi_check *c, int n)
{
	if (!c->root_part)
		return -1;
	uint8_t buf[4096];
	c->read_step = IC_ROOT_MATCH;
	for (int i = 0; i < n; i++) {
		uint64_t off = c->root_part->start + (uint64_t)i * sizeof(buf);
		if (off + sizeof(buf) > c->root_part->start + c->root_part->size)
			break; /* a tiny filesystem has fewer blocks */
		if (lun_read(c, off, buf, sizeof(buf)) < 0)
			return -1;
	}
	return 0;
}

int iscsi_check_run(struct iscsi_check *c)
{
	c->ok = true;
	if (iscsi_check_login(c) == 0) {
		open_doors(c);
		if (iscsi_check_disk(c) == 0 && iscsi_check_root(c) == 0)
			iscsi_check_fstab(c);
	}
	if (c->ctx && c->logged_in) {
		logout(c, c->ctx);
		c->logged_in = false;
	}
	return c->ok ? 0 : 1;
}

int iscsi_url_parse(const char *url, char **host, int *port, char **target, int *lun, char **err)
{
	*host = *target = *err = NULL;
	if (strncmp(url, "iscsi://", 8) != 0) {
		*err = xasprintf("\"%s\" is not an iSCSI URL (expected "
				 "iscsi://HOST[:PORT]/TARGET-IQN/LUN)",
				 url);
		return -1;
	}
	struct iscsi_context *ctx = iscsi_create_context("iqn.2026-11.invalid:url-parser");
	struct iscsi_url *u = ctx ? iscsi_parse_full_url(ctx, url) : NULL;
	if (!u) {
		*err = xasprintf("\"%s\" is not a valid iSCSI URL: %s (expected "
				 "iscsi://HOST[:PORT]/TARGET-IQN/LUN)",
				 url, ctx ? iscsi_get_error(ctx) : "out of memory");
		if (ctx)
			iscsi_destroy_context(ctx);
		return -1;
	}
	char *portal = xstrdup(u->portal), *colon = strrchr(portal, ':');
	*port = 3260;
	if (colon && !strchr(colon, ']')) {
		*colon = '\0';
		*port = atoi(colon + 1);
	}
	*host = portal;
	*target = xstrdup(u->target);
	*lun = u->lun;
	iscsi_destroy_url(u);
	iscsi_destroy_context(ctx);
	return 0;
}
